"""The procgen command: what users type, what they get back, and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from procgen.cli import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "procgen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


class TestLevelCommand:
    def test_writes_the_level_it_describes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`procgen level ... -o level.json` writes a valid level with those parameters."""
        out = tmp_path / "level.json"
        args = [
            "level",
            "--seed",
            "7",
            "--width",
            "48",
            "--height",
            "32",
            "--style",
            "cave",
            "--difficulty",
            "0.5",
            "-o",
            str(out),
        ]
        assert main(args) == 0
        document = json.loads(out.read_text())
        assert (document["width"], document["height"], document["meta"]["seed"]) == (48, 32, 7)
        assert "wrote" in capsys.readouterr().out

    def test_without_out_prints_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With no -o the level's JSON goes to stdout, ready to pipe."""
        assert main(["level", "--seed", "1", "--width", "16", "--height", "16"]) == 0
        assert json.loads(capsys.readouterr().out)["width"] == 16

    @pytest.mark.parametrize(
        "args",
        [
            ["level", "--width", "0"],
            ["level", "--width", "10000000"],
            ["level", "--width", "wide"],
            ["level", "--style", "moonbase"],
            ["level", "--difficulty", "nan"],
            ["level", "--generator", "nope"],
            ["level", "-o", "missing-folder/level.json"],
            ["level", "-o", "level.bmp"],
            ["validate", "no-such-file.json"],
            ["frobnicate"],
        ],
    )
    def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        self, in_tmp: Path, args: list[str]
    ) -> None:
        """Bad input: exit status 2, a single `procgen: error:` line, no traceback, no files."""
        result = run(*args, cwd=in_tmp)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("procgen: error:"), result.stderr
        assert result.stdout == ""
        assert list(Path(in_tmp).iterdir()) == []


class TestValidateCommand:
    def test_valid_files_and_folders_pass(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Files and folders of valid assets exit 0 and say ok per file."""
        for n in range(2):
            main(
                [
                    "level",
                    "--seed",
                    str(n),
                    "--width",
                    "16",
                    "--height",
                    "16",
                    "-o",
                    str(tmp_path / f"l{n}.yaml"),
                ]
            )
        capsys.readouterr()
        assert main(["validate", str(tmp_path), str(tmp_path / "l0.yaml")]) == 0
        assert capsys.readouterr().out.count(": ok (level)") == 3

    def test_invalid_files_exit_1_with_a_line_per_failure(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each schema-invalid file gets a line naming the file and the JSON pointer; exit 1."""
        good = tmp_path / "good.json"
        main(["level", "--seed", "1", "--width", "16", "--height", "16", "-o", str(good)])
        document = json.loads(good.read_text())
        document["width"] = -3
        document["entities"][0]["kind"] = "dragon"
        (tmp_path / "bad.json").write_text(json.dumps(document))
        capsys.readouterr()
        assert main(["validate", str(tmp_path)]) == 1
        out = capsys.readouterr().out.splitlines()
        assert f"{tmp_path / 'bad.json'}: /width: -3 is less than the minimum of 1" in out
        assert any(line.startswith(f"{tmp_path / 'bad.json'}: /entities/0/kind:") for line in out)
        assert sum(": ok (level)" in line for line in out) == 1

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("corrupt.yaml", "tiles: [\n"),
            ("bomb.yaml", "a: &a [x, x]\nb: [*a, *a]\n"),
            ("corrupt.json", '{"width": '),
        ],
    )
    def test_unreadable_files_exit_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str
    ) -> None:
        """A corrupt or hostile file is bad input: one line naming it, exit 2."""
        (tmp_path / name).write_text(content)
        assert main(["validate", str(tmp_path / name)]) == 2
        (line,) = capsys.readouterr().out.splitlines()
        assert line.startswith(f"{tmp_path / name}: ")


class TestListAndHelp:
    def test_list_shows_every_builtin_generator(self) -> None:
        """`procgen list` names each built-in generator, its styles and where it comes from."""
        result = run("list")
        assert result.returncode == 0
        for name in ("cave", "dungeon", "overworld"):
            assert any(
                line.split()[0] == name and "procgen-assets" in line
                for line in result.stdout.splitlines()
            )

    def test_help_starts_without_heavy_imports(self) -> None:
        """`procgen --help` imports neither torch nor numpy: it must start instantly."""
        script = (
            "import contextlib, io, sys\n"
            "from procgen.cli import main\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['--help'])\n"
            "print(sorted(m for m in ('torch', 'numpy') if m in sys.modules))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"

    def test_python_dash_m_is_the_same_command(self) -> None:
        """`python -m procgen --version` works like the console script."""
        result = run("--version")
        assert result.returncode == 0 and result.stdout.startswith("procgen-assets ")
