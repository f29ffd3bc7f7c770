"""Paths typed in the UI: inside the game's working folder and over nothing, a save or report
is written at once; outside it (.., an absolute path, a symbolic link) or over an existing
file, the UI asks first, and `n` writes nothing."""

from __future__ import annotations

import asyncio
import os

import pytest
from textual.widgets import Input

from sim.files import target_concerns
from tests.tui.conftest import SIZE, make_app, settle, wait_for
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import Dashboard
from tui.screens.file_prompt import FilePrompt


def test_target_concerns(tmp_path):
    (tmp_path / "game").mkdir()
    (tmp_path / "game" / "old.json").write_text("{}")
    os.symlink(tmp_path, tmp_path / "game" / "up")
    base = tmp_path / "game"
    assert target_concerns(["saves/a.json"], base) == []
    assert "outside" in target_concerns(["../x.json"], base)[0]
    assert "outside" in target_concerns([str(tmp_path / "y.json")], base)[0]
    assert "outside" in target_concerns(["up/z.json"], base)[0]
    assert "would be replaced" in target_concerns(["old.json"], base)[0]
    assert "is a folder" in target_concerns(["up"], base)[-1]


async def _save_as(pilot, app, typed: str, answer: str | None) -> None:
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, FilePrompt))
    app.screen.query_one(Input).value = typed
    await pilot.press("enter")
    if answer is not None:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(answer)
    await wait_for(pilot, lambda: isinstance(app.screen, Dashboard))
    await settle(pilot, app)


@pytest.mark.parametrize(
    "typed, inside", [("../escape.json", False), ("ABS", False), ("saves/new.json", True)]
)
def test_save_outside_the_folder_asks_first(in_tmp, typed, inside):
    game_dir = in_tmp / "game"
    game_dir.mkdir()
    os.chdir(game_dir)
    typed = typed.replace("ABS", str(in_tmp / "abs.json"))
    target = (game_dir / typed).resolve()

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            if inside:
                await _save_as(pilot, app, typed, None)
                assert target.exists()
                return
            await _save_as(pilot, app, typed, "n")
            assert not target.exists()
            await _save_as(pilot, app, typed, "y")
            assert target.exists()

    asyncio.run(go())


def test_overwrite_asks_and_report_too(in_tmp):
    old = in_tmp / "mine.json"
    old.write_text("precious")

    async def go():
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            await _save_as(pilot, app, "mine.json", "escape")
            assert old.read_text() == "precious"
            await _save_as(pilot, app, "mine.json", "y")
            assert old.read_text().startswith("{")
            (in_tmp / "r.md").write_text("keep")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, FilePrompt))
            app.screen.query_one(Input).value = "r.html"
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("n")
            await settle(pilot, app)
            assert (in_tmp / "r.md").read_text() == "keep" and not (in_tmp / "r.html").exists()
            assert not [p for p in in_tmp.iterdir() if p.name.endswith(".tmp")]

    asyncio.run(go())
