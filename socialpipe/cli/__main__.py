from socialpipe.cli import main

main()
