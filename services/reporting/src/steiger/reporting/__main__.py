from steiger.reporting.main import main

main()
