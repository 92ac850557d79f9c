from steiger.bridge.main import main

main()
