from worker.runner import main

main()
