from tagger.cli.app import main

main()
