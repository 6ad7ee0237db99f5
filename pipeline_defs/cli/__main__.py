from pipeline_defs.cli import main

main()
