from .cli import main

if __name__ == "__main__":  # (not when a worker process started by `vnsearch serve` imports it)
    main()
