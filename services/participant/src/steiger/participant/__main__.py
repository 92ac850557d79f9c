from steiger.participant.main import main

main()
