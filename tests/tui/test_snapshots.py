"""Pictures of the main screen, compared with the accepted ones in __snapshots__/ (update: --snapshot-update)."""

from __future__ import annotations


async def _wait_for_queue(pilot) -> None:
    for _ in range(200):
        if pilot.app.queue is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


def test_main_screen(make_app, snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(150, 36), run_before=_wait_for_queue)


def test_main_screen_after_removing_and_filtering(make_app, snap_compare) -> None:
    async def act(pilot) -> None:
        await _wait_for_queue(pilot)
        await pilot.press("r", "t")  # remove the first, then show every state

    assert snap_compare(make_app(), terminal_size=(150, 36), run_before=act)
