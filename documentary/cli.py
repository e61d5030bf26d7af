"""Command line: parse arguments, call the pipeline, print problems, choose the exit status."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import BuildFailed, ContentError, UsageError
from .pipeline import Options, build, check

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "check", "serve", "new", "translations")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the documentary site.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("build", "build the site (default)"), ("check", "check everything, write nothing")):
        sub = commands.add_parser(name, help=text)
        _content_options(sub)
        if name == "build":
            sub.add_argument("--out", default="_site", help="output folder (default: _site)")
            sub.add_argument("--no-search", action="store_true", help="skip the search index")
            sub.add_argument("--no-epub", action="store_true", help="skip the ebooks")
    serve = commands.add_parser("serve", help="build, serve and rebuild on every save")
    _content_options(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1 only)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--no-search", action="store_true", help="skip the search index")
    new = commands.add_parser("new", help="scaffold a chapter or a mission")
    new.add_argument("kind", choices=("chapter", "mission"))
    new.add_argument("name", help='chapter title, e.g. "The Venus years", or mission slug, e.g. mars-8')
    new.add_argument("--content", default="content", help="content folder (default: content)")
    translations = commands.add_parser("translations", help="list every translation's status; stamp revisions")
    translations.add_argument("--content", default="content", help="content folder (default: content)")
    stamp = translations.add_mutually_exclusive_group()
    stamp.add_argument("--stamp", nargs="+", metavar="FILE", help="record the original's current revision in FILE")
    stamp.add_argument("--stamp-all", action="store_true", help="stamp every stale or unstamped translation")
    return parser


def _content_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--content", default="content", help="content folder (default: content)")
    sub.add_argument("--templates", default=None, help="templates folder (default: the project's)")
    sub.add_argument("--static", default=None, help="static folder (default: the project's)")
    sub.add_argument("--base-url", default=None, help="override site.yaml's base_url")
    sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
    sub.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    sub.add_argument("-v", "--verbose", action="store_true", help="print more detail")


def main(argv: list[str] | None = None, project: Path | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    project = project or Path(__file__).resolve().parent.parent
    try:
        return _run(args, project)
    except UsageError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as exc:
        report(exc.errors)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, project: Path) -> int:
    if args.command == "new":
        from .scaffold import scaffold

        print(scaffold(Path(args.content), args.kind, args.name))
        return EXIT_OK
    if args.command == "translations":
        from .translations_cli import run

        return run(Path(args.content), args.stamp or (), args.stamp_all)
    options = options_from(args, project)
    if args.command == "serve":
        from .serve import serve

        return serve(options, args.host, args.port, args.open, args.quiet, args.verbose)
    progress = _progress(args)
    started = time.perf_counter()
    if args.command == "check":
        result = check(options, progress)
        report(result.warnings)
        _say(args, f"checked {len(result.pages)} pages: no errors")
        return EXIT_OK
    result = build(options, Path(args.out), protected(options, project), progress)
    report(result.warnings)
    total = len(result.pages) + len(result.reused) + len(result.static_files)
    if args.verbose and not args.quiet:
        for name in sorted([*result.pages, *result.static_files]):
            print(f"  wrote {name}", file=sys.stderr)
    _say(args, f"built {total} files into {args.out} in {time.perf_counter() - started:.2f} s")
    return EXIT_OK


def options_from(args: argparse.Namespace, project: Path) -> Options:
    content = Path(args.content)
    if not content.is_dir():
        raise UsageError(f"content folder {content} does not exist")
    return Options(
        content=content,
        templates=Path(args.templates) if args.templates else project / "templates",
        static=Path(args.static) if args.static else project / "static",
        base_url=args.base_url,
        strict=args.strict,
        search=not getattr(args, "no_search", False),
        ebook=not getattr(args, "no_epub", False),
    )


def protected(options: Options, project: Path) -> list[Path]:
    return [project, options.content, options.templates, options.static, Path.cwd()]


def report(problems: tuple[ContentError, ...] | list[ContentError]) -> None:
    if not problems:
        return
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        print(problem.format(), file=sys.stderr)
        if annotate:
            print(problem.github(), file=sys.stderr)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    print(", ".join(parts), file=sys.stderr)


def _progress(args: argparse.Namespace):
    def show(stage: str, count: int, seconds: float) -> None:
        if not args.quiet:
            print(f"{stage:<9} {count:>6}  {seconds * 1000:8.1f} ms", file=sys.stderr)

    return show


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr)
