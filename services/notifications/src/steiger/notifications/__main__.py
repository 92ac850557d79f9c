from steiger.notifications.main import main

main()
