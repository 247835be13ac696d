"""`python -m pipeline.commands ...` is `dozor ...` (tests and benchmarks start the command this way)."""
import sys

from pipeline.commands import main

sys.exit(main())
