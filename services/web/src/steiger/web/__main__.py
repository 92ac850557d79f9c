from steiger.web.main import main

main()
