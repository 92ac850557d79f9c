from steiger.planning.main import main

main()
