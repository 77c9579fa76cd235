"""``python -m demo_game``: open the window."""

try:
    from demo_game.screen import main
except ModuleNotFoundError as missing:
    if missing.name != "pygame":
        raise
    raise SystemExit("the demo needs pygame-ce: pip install -e '.[demo]'") from None

main()
