"""Command line and start-up. Qt, pandas and matplotlib are imported only after the arguments are read."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

APT_LINE = "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1"
XCB_LIBRARIES = ("xcb-cursor", "xcb-icccm", "xcb-keysyms")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="healthalloc",
        description="An interactive course: who allocates health-care resources in the United States.",
    )
    parser.add_argument("file", nargs="?", help="a .healthalloc-scenario file to open")
    parser.add_argument("--screenshot", metavar="FILE.png", help="render --page offscreen to a PNG and exit")
    parser.add_argument(
        "--page", metavar="PAGE", help="the page to open (a lesson id or a page id; see --list-pages)"
    )
    parser.add_argument("--theme", choices=("light", "dark", "projector", "system"), help="colour theme")
    parser.add_argument("--size", default="1280x800", metavar="WxH", help="window size for --screenshot")
    parser.add_argument("--list-pages", action="store_true", help="print every page id (tab, title) and exit")
    parser.add_argument(
        "--export-pdf", metavar="FILE.pdf", help="write the lesson given with --page as a PDF handout and exit"
    )
    parser.add_argument(
        "--present",
        action="store_true",
        help="open --page in presentation mode (with --screenshot: render a slide instead of the window)",
    )
    parser.add_argument(
        "--slide", type=int, metavar="N", help="with --present: the slide to show (1 is the first)"
    )
    return parser


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"healthalloc: --size must look like 1280x800, not {text!r}") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise SystemExit(f"healthalloc: --size {text} is outside 320x240 … 7680x4320")
    return width, height


def page_list() -> list[tuple[str, str]]:
    """Every page id with its title: lessons in course order, then the tool pages."""
    from healthalloc.core.content import load_course
    from healthalloc.ui.registry import PAGES

    course = load_course()
    pages = [(lesson.id, lesson.title) for lesson in course.lessons]
    pages += [(page_id, f"Problem in {page_id}") for page_id in course.broken]
    pages += [(spec.page_id, spec.title) for spec in PAGES]
    return pages


def missing_xcb_libraries() -> list[str]:
    """On Linux with a display, the X libraries Qt 6.5+ needs but cannot find."""
    if not sys.platform.startswith("linux"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return []
    if not os.environ.get("DISPLAY") or (os.environ.get("WAYLAND_DISPLAY") and not platform):
        return []
    return [name for name in XCB_LIBRARIES if not _library_present(name)]


LIBRARY_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64")


def _library_present(name: str) -> bool:
    """``lib<name>.so*`` in a usual folder; else ask ``ctypes.util.find_library`` (it runs ``ldconfig``: slow)."""
    import glob

    if any(glob.glob(f"{folder}/lib{name}.so*") for folder in LIBRARY_DIRS):
        return True
    import ctypes.util

    return ctypes.util.find_library(name) is not None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_pages:
        for page_id, title in page_list():
            print(f"{page_id}\t{title}")
        return 0
    if args.slide is not None and (not args.present or args.slide < 1):
        print("healthalloc: --slide N needs --present and N of at least 1", file=sys.stderr)
        return 2
    if args.present and not args.page:
        print("healthalloc: --present needs --page PAGE (a lesson or a calculator)", file=sys.stderr)
        return 2
    if args.screenshot or args.export_pdf:
        if not args.page:
            option = "--screenshot" if args.screenshot else "--export-pdf"
            print(f"healthalloc: {option} needs --page PAGE", file=sys.stderr)
            return 2
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        missing = missing_xcb_libraries()
        if missing:
            print(
                "healthalloc needs some system libraries that Qt uses to draw windows on Linux "
                f"(missing: {', '.join('lib' + m for m in missing)}). Install them with:\n\n    {APT_LINE}\n",
                file=sys.stderr,
            )
            return 1
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
        ):
            print(
                "healthalloc: no display found (DISPLAY is not set). Start it from a desktop session, or render a "
                "page without a display: healthalloc --screenshot page.png --page overview",
                file=sys.stderr,
            )
            return 1
    # Start-up makes some 30,000 objects that live as long as the app (Qt's enum types, our modules, the course),
    # and the cyclic garbage collector would walk them about forty times before the first frame (2-4 ms).
    # It is paused until then: ui/application.run turns it back on once the window's first frame is on screen.
    gc.disable()
    try:
        from healthalloc.ui.application import run

        return run(args, size=parse_size(args.size), scenario=Path(args.file) if args.file else None)
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
