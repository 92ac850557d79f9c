from steiger.rewards.main import main

main()
