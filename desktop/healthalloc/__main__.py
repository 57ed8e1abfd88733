"""`python -m healthalloc` starts the app."""

import sys

from healthalloc.app import main

sys.exit(main())
