"""``python -m revline`` is the ``revline`` command."""

from revline.cli import main

main()
