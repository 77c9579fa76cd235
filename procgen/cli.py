"""The ``procgen`` command line.

Every failure the user can cause ends with exit code 2 and one line, ``procgen: error: ...``.
``procgen validate`` prints one line per failure and exits 1 when an asset breaks its schema, 2
when a file cannot be read at all (corrupt, hostile, not UTF-8): scripts can tell them apart.
Heavy modules are imported inside the commands, so ``procgen --help`` starts without numpy,
scipy or torch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

EXIT_INVALID = 1
EXIT_USAGE = 2
ASSET_SUFFIXES = (".json", ".yaml", ".yml")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not a usage block and a line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"procgen: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="procgen", description="Generate game content as schema-valid assets.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _level_parser(commands)
    _character_parser(commands)
    _quest_parser(commands)
    check = commands.add_parser(
        "validate",
        help="validate asset files or folders",
        description="Check assets against procgen's JSON Schemas.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    commands.add_parser("list", help="list registered generators and styles")
    _train_parser(commands)
    _eval_parser(commands)
    pack = commands.add_parser(
        "pack",
        help="write a sample asset pack",
        description="Write a sample asset pack with a manifest.",
    )
    pack.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("procgen-pack"),
        help="pack folder (default: ./procgen-pack)",
    )
    pack.add_argument("--seed", type=int, default=1, help="pack seed (default 1)")
    return parser


def _level_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`procgen level`: one level, to stdout or a file."""
    make = commands.add_parser("level", help="generate one level", description="Generate a level.")
    make.add_argument("--seed", type=int, help="random seed (default: fresh, recorded in meta)")
    make.add_argument("--width", type=int, default=32, help="tiles across (8-512, default 32)")
    make.add_argument("--height", type=int, default=32, help="tiles down (8-512, default 32)")
    make.add_argument("--style", help="dungeon, cave, overworld, or a plugin's style")
    make.add_argument("--difficulty", type=float, default=0.5, help="0 to 1 (default 0.5)")
    make.add_argument("--generator", help="a registered generator name (see `procgen list`)")
    make.add_argument("--model", type=Path, help="your own tile model (.safetensors)")
    make.add_argument(
        "--locked", type=Path, help="inpaint: a text grid whose --unknown cells are filled in"
    )
    make.add_argument("--unknown", default="?", help="the unknown-cell character (default ?)")
    make.add_argument(
        "-o",
        "--out",
        type=Path,
        help="file to write: .json .yaml .yml .tmj .png (default: JSON to stdout)",
    )


def _character_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`procgen character`: one character, to stdout or a file."""
    hero = commands.add_parser(
        "character", help="generate one character", description="Generate a character."
    )
    hero.add_argument("--seed", type=int, help="random seed (default: fresh, recorded in meta)")
    hero.add_argument(
        "--role", help="warrior, mage, rogue, ranger, healer, merchant, villager, ..."
    )
    hero.add_argument("--level", type=int, default=1, help="1 to 100 (default 1)")
    hero.add_argument("--style", help="naming style: fantasy, northern, desert, imperial")
    for part in ("names", "sprites", "prose"):
        hero.add_argument(f"--{part}", type=Path, help=f"your own {part} model (.safetensors)")
    hero.add_argument(
        "-o",
        "--out",
        type=Path,
        help="file to write: .json .yaml .yml .png (default: JSON to stdout)",
    )


def _quest_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`procgen quest`: one quest for a level, to stdout or a file."""
    made = commands.add_parser(
        "quest",
        help="generate one quest for a level",
        description="Generate a quest whose targets are reachable entities of the level.",
    )
    made.add_argument("--level", type=Path, help="level file (default: a new 32x32 level)")
    made.add_argument(
        "--cast",
        type=Path,
        nargs="+",
        help="character files (.json/.yaml) who may give or take part (default: three new ones)",
    )
    made.add_argument("--giver", help="character id of the giver (default: drawn from the cast)")
    made.add_argument("--motivation", help="knowledge, comfort, wealth, ... (default: drawn)")
    made.add_argument("--seed", type=int, help="random seed (default: fresh, recorded in meta)")
    made.add_argument("--prose", type=Path, help="your own prose model (.safetensors)")
    made.add_argument(
        "-o", "--out", type=Path, help="file to write: .json .yaml .yml (default: JSON to stdout)"
    )


def _train_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`procgen train tiles|names|sprites|prose|text`: train a model on your own examples."""
    train = commands.add_parser("train", help="train a learned model on your own examples")
    models = train.add_subparsers(
        dest="model", metavar="MODEL", parser_class=_Parser, required=True
    )
    tiles = _model_parser(
        models,
        "tiles",
        "the tile-map model, on a folder of levels",
        "Train the tile-map model on a folder of levels: "
        "procgen JSON/YAML, Tiled .tmj, or text grids with a legend.",
        data_help="folder of levels (<style>/...)",
        minutes=5.0,
    )
    tiles.add_argument(
        "--legend", type=Path, help="legend for text grids (default DATA/legend.json)"
    )
    tiles.add_argument(
        "--augment",
        choices=("flips", "mirror", "none"),
        default="flips",
        help="flips for top-down maps (default), mirror or none for side views",
    )
    tiles.add_argument(
        "--resume", action="store_true", help="continue from the checkpoint beside --out"
    )
    _model_parser(
        models,
        "names",
        "the name model, on a list of names",
        "Train the name model on a text file: one name per line, optionally a tab and a naming "
        "style. Prints held-out loss against count n-gram baselines.",
        data_help="name list (name[TAB]style)",
        minutes=3.0,
    )
    _model_parser(
        models,
        "sprites",
        "the sprite model, on paper-doll sprites or a folder of PNGs",
        "Train the sprite model on procgen's paper-doll sprites (no --data), or on a folder of "
        "your PNG sprites with one sub-folder per role (<role>/*.png, quantised to 15 colours).",
        data_help="folder of <role>/*.png (default: the paper-doll corpus)",
        minutes=5.0,
        data_required=False,
    )
    prose = _model_parser(
        models,
        "prose",
        "the prose model of backstories and quests",
        'Train the prose model on backstories (JSON lines of {"role": ..., "text": ...}) and a '
        "folder of quest files (<motivation>.jsonl), written with {slot} placeholders. "
        "Prints held-out loss against n-gram baselines.",
        data_help="backstories (.jsonl)",
        minutes=8.0,
        data_required=False,
    )
    prose.add_argument("--quests", type=Path, help="a folder of quest .jsonl files")
    _model_parser(
        models,
        "text",
        "the text model, on any text of yours",
        "Train the text model on a text file of documents separated by blank lines, or a JSON "
        "list of strings. Prints held-out loss against n-gram baselines.",
        data_help="documents (.txt, blank-line separated; or .json, a list of strings)",
        minutes=10.0,
    )


def _model_parser(
    models: argparse._SubParsersAction[_Parser],
    name: str,
    summary: str,
    description: str,
    *,
    data_help: str,
    minutes: float,
    data_required: bool = True,
) -> argparse.ArgumentParser:
    """The options every `procgen train` model shares: data, output, budget and seed."""
    model = models.add_parser(name, help=summary, description=description)
    model.add_argument("--data", type=Path, required=data_required, help=data_help)
    model.add_argument("--out", type=Path, required=True, help="weights to write (.safetensors)")
    budget = model.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="optimiser steps")
    budget.add_argument("--minutes", type=float, help=f"wall-clock minutes (default {minutes:g})")
    model.set_defaults(default_minutes=minutes)
    model.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    return model


def _eval_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`procgen eval`: measure a tile model against reference levels."""
    evaluate = commands.add_parser(
        "eval",
        help="measure a tile model against reference levels",
        description="Tile-pattern KL, novelty, diversity, playability and repair rate of a tile "
        "model's levels, per style, against reference levels it never trained on.",
    )
    evaluate.add_argument("--model", type=Path, required=True, help="weights (.safetensors)")
    evaluate.add_argument("--data", type=Path, required=True, help="reference levels (<style>/...)")
    evaluate.add_argument("--legend", type=Path, help="legend for text grids in --data and --train")
    evaluate.add_argument("--train", type=Path, help="the training levels, for novelty")
    evaluate.add_argument("--samples", type=int, help="levels per style (default 2 per reference)")
    evaluate.add_argument("--seed", type=int, default=0, help="first seed (default 0)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from procgen.errors import ProcgenError

    try:
        if args.version:
            from procgen import __version__

            print(f"procgen-assets {__version__}")
            return 0
        if args.command == "level":
            return _level(args)
        if args.command == "character":
            return _character(args)
        if args.command == "quest":
            return _quest(args)
        if args.command == "validate":
            return _validate(args.paths)
        if args.command == "list":
            return _list()
        if args.command == "train":
            return _train_tiles(args) if args.model == "tiles" else _train(args)
        if args.command == "eval":
            return _evaluate(args)
        if args.command == "pack":
            return _pack(args)
        parser.print_help()
        return EXIT_USAGE
    except ProcgenError as error:
        print(f"procgen: error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _level(args: argparse.Namespace) -> int:
    import procgen
    from procgen.assets import check_destination

    if args.out is not None:
        check_destination(args.out)  # before minutes of work, not after
    locked = None
    if args.locked is not None:
        if not args.locked.is_file():
            raise procgen.AssetFormatError(f"{args.locked}: no such file")
        locked = args.locked.read_text("utf-8", errors="replace").splitlines()
    made = procgen.level(
        seed=args.seed,
        width=args.width,
        height=args.height,
        style=args.style,
        difficulty=args.difficulty,
        generator=args.generator,
        model=args.model,
        locked=locked,
        unknown=args.unknown,
    )
    if args.out is None:
        sys.stdout.write(made.to_json())
        return 0
    made.save(args.out)
    stats = made.meta["stats"]
    print(
        f"wrote {args.out}: {made.width}x{made.height} {made.meta['params']['style']} "
        f"(seed {made.meta['seed']}, path {stats['path_length']}, "
        f"{len(made.of_kind('enemy'))} enemies)"
    )
    return 0


def _character(args: argparse.Namespace) -> int:
    import procgen
    from procgen.characters import check_destination

    if args.out is not None:
        check_destination(args.out)
    made = procgen.character(
        seed=args.seed,
        role=args.role,
        level=args.level,
        style=args.style,
        names=args.names,
        sprites=args.sprites,
        prose=args.prose,
    )
    if args.out is None:
        sys.stdout.write(made.to_json())
        return 0
    made.save(args.out)
    print(
        f"wrote {args.out}: {made.name}, level {made.level} {made.role} (seed {made.meta['seed']})"
    )
    return 0


def _quest(args: argparse.Namespace) -> int:
    import procgen
    from procgen.quests.api import check_destination, read_cast

    if args.out is not None:
        check_destination(args.out)
    made = procgen.quest(
        seed=args.seed,
        level=None if args.level is None else procgen.load(args.level),
        giver=args.giver,
        motivation=args.motivation,
        cast=None if args.cast is None else read_cast(args.cast),
        prose=args.prose,
    )
    if args.out is None:
        sys.stdout.write(made.to_json())
        return 0
    made.save(args.out)
    document = made.to_dict()
    steps = ", ".join(o["action"] for o in document["objectives"])
    print(f"wrote {args.out}: {made.title!r}, a {document['motivation']} quest ({steps})")
    return 0


def _validate(paths: Sequence[Path]) -> int:
    from procgen.assets import validate
    from procgen.errors import AssetFormatError, AssetValidationError, ProcgenError

    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise ProcgenError(f"no such file or folder: {', '.join(missing)}")
    invalid = unreadable = checked = 0
    for path in _asset_files(paths):
        checked += 1
        try:
            kind = validate(path)
        except AssetValidationError as error:
            invalid += 1
            for pointer, message in error.problems:
                print(f"{path}: {pointer or '/'}: {_one_line(message)}")
        except AssetFormatError as error:
            unreadable += 1
            print(_one_line(str(error)))
        else:
            print(f"{path}: ok ({kind})")
    if checked == 0:
        raise ProcgenError("no .json, .yaml or .yml files found")
    valid = checked - invalid - unreadable
    print(f"{valid} valid, {invalid} invalid, {unreadable} unreadable", file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    return EXIT_INVALID if invalid else 0


def _asset_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in ASSET_SUFFIXES)
        else:
            yield path


def _train_tiles(args: argparse.Namespace) -> int:
    from procgen.models.tiles import train_tiles

    minutes = args.minutes if args.steps or args.minutes else args.default_minutes
    report = train_tiles(
        args.data,
        args.out,
        legend=args.legend,
        steps=args.steps,
        minutes=minutes,
        seed=args.seed,
        augment=args.augment,
        resume=args.resume,
    )
    loss = f"{report.losses[-1]:.3f}" if report.losses else "n/a"
    size = report.path.stat().st_size / 1024
    print(
        f"trained on {report.levels} levels ({', '.join(report.styles)}) for {report.steps} "
        f"steps in {report.seconds:.0f} s; final loss {loss}; tile rates calibrated in "
        f"{report.calibration_seconds:.0f} s"
    )
    print(f"wrote {report.path} ({size:.0f} KiB, {report.parameters:,} parameters)")
    return 0


def _train(args: argparse.Namespace) -> int:
    """Every model but tiles: train, then print what the trainer reports."""
    from procgen.errors import InvalidParameterError

    budget = {
        "steps": args.steps,
        "minutes": args.minutes if args.steps or args.minutes else args.default_minutes,
        "seed": args.seed,
    }
    if args.model == "names":
        from procgen.names import train_names

        print("\n".join(train_names(args.data, args.out, **budget).lines("names")))
    elif args.model == "prose":
        from procgen.prose import train_prose

        if args.data is None and args.quests is None:
            raise InvalidParameterError("give --data (backstories), --quests (a folder), or both")
        written = train_prose(args.out, backstories=args.data, quests=args.quests, **budget)
        print("\n".join(written.lines("texts")))
    elif args.model == "text":
        from procgen.documents import train_documents

        print("\n".join(train_documents(args.data, args.out, **budget).lines("documents")))
    else:
        from procgen.models.sprites import train_sprites

        drawn = train_sprites(args.out, data=args.data, **budget)
        print(
            f"trained on {drawn.sprites} sprites ({', '.join(drawn.roles)}) for "
            f"{drawn.steps} steps in {drawn.seconds:.0f} s; final loss {drawn.losses[-1]:.3f}"
        )
        print(f"wrote {drawn.path} ({drawn.parameters:,} parameters)")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from procgen.corpus import read_corpus
    from procgen.errors import InvalidParameterError
    from procgen.evaluation import evaluate_model, table

    if args.samples is not None and args.samples < 1:
        raise InvalidParameterError(f"--samples must be at least 1, got {args.samples}")
    reference = read_corpus(args.data, args.legend)
    training = read_corpus(args.train, args.legend) if args.train else None
    reports = evaluate_model(args.model, reference, training, samples=args.samples, seed=args.seed)
    if not reports:
        raise InvalidParameterError(f"{args.data} has no style the model knows")
    print(table(reports))
    print(
        "P = reference levels, Q = generated; KL smoothed with eps 1e-7 (Lucas & Volz 2019); "
        "nov = normalised Hamming distance to the nearest training level"
    )
    return 0


def _list() -> int:
    import warnings

    from procgen import generators
    from procgen.errors import ProcgenError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # broken plugins get their own row below
        defaults = {style: generators.for_style(style).name for style in generators.styles()}
    print(f"{'generator':<14}{'version':<10}{'styles':<24}{'default for':<18}from")
    for name, point in generators.available().items():
        source = point.dist.name if point.dist else point.value
        try:
            generator = generators.load(name)
        except ProcgenError as error:
            print(f"{name:<14}{'-':<10}{'(failed to load)':<24}{'-':<18}{source}: {error}")
            continue
        default_for = ", ".join(s for s, g in defaults.items() if g == name) or "-"
        print(
            f"{name:<14}{generator.version:<10}{', '.join(generator.styles):<24}"
            f"{default_for:<18}{source}"
        )
    return 0


def _pack(args: argparse.Namespace) -> int:
    from procgen.pack import MANIFEST, write_pack

    assets = write_pack(args.out, seed=args.seed)
    print(f"wrote {args.out}/ ({len(assets) + 1} files):")
    for asset in assets:
        print(f"  {asset.path:<34} {asset.kind:<10} {asset.summary}")
    print(f"  {MANIFEST:<34} {'pack':<10} lists every file with its sha256")
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())
