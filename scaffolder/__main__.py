"""Allow `python -m scaffolder`."""

from scaffolder.cli import main

if __name__ == "__main__":
    main()
