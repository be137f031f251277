"""``python -m geomap`` is the same CLI as the ``geomap`` console script."""

from geomap.cli.main import main

if __name__ == "__main__":
    main()
