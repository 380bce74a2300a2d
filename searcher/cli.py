"""The ``vnsearch`` command: a thin adapter that parses options, calls
:class:`searcher.SearchEngine` and renders what it returns."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from . import __version__
from .engine import SearchEngine
from .errors import SearcherError
from .models import Hit, IndexInfo, IndexReport, SearchRequest, SearchResults, Term

DEFAULT_INDEX = "index"
DEFAULT_SOURCE = "seeds"
BOLD, NOT_BOLD = "\x1b[1m", "\x1b[22m"


class Commands(click.Group):
    """Turns every failure into one line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except SearcherError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            where = f": {error.filename}" if error.filename else ""
            raise click.ClickException(f"{error.strerror or error}{where}") from None
        except Exception as error:  # a bug: still one line for the user
            if os.environ.get("VNSEARCH_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected error ({type(error).__name__}: {error}); set VNSEARCH_DEBUG=1 for details"
            ) from None


class _Echo(logging.Handler):
    """What the library says on its ``vnsearch`` logger (a store being prepared …), on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(record.getMessage(), err=True)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vnsearch")
def main() -> None:
    """Full-text search for Vietnamese news.

    \b
    Examples:
      vnsearch index seeds/            index a folder of articles
      vnsearch search "cong doan"      search, with or without diacritics
      vnsearch analyze "Hoà Bình"      show how text is turned into terms
    """
    log = logging.getLogger("vnsearch")
    if not any(isinstance(handler, _Echo) for handler in log.handlers):
        log.addHandler(_Echo(logging.WARNING))


def index_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--index",
        "index_path",
        envvar="VNSEARCH_INDEX",
        default=DEFAULT_INDEX,
        show_default=True,
        type=click.Path(file_okay=False),
        help="Index directory (or set VNSEARCH_INDEX).",
    )(command)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
cluster_option = click.option(
    "--cluster", type=click.Path(), default=None,
    help="Use the Sphinx/Manticore cluster of this configuration (see `vnsearch cluster config`) instead of --index.",
)
synonyms_option = click.option(
    "--synonyms", multiple=True, type=click.Path(dir_okay=False),
    help="A file of synonyms (\"TP.HCM, thành phố Hồ Chí Minh\" a line), beside the built-in abbreviations; repeatable.",
)


@main.command("index")
@index_option
@cluster_option
@json_option
@click.argument("paths", nargs=-1, type=click.Path())
def index_command(index_path: str, cluster: str | None, as_json: bool, paths: tuple[str, ...]) -> None:
    """Add files and folders to the index (default: seeds/).

    Reads .txt (one article per file, scraped or with a metadata header), .jsonl,
    .jsonl.gz, .json, .html/.htm pages and .warc/.warc.gz web archives (these two need
    pip install 'vnsearch[html]' and 'vnsearch[warc]'). Changed articles are updated in
    place; unchanged ones are skipped.

    \b
    Example:
      vnsearch index seeds/ ../archive/2021.jsonl.gz ../crawl/news.warc.gz
    """
    engine = _engine(index_path, cluster)
    with ProgressBar("Indexing") as bar:
        report = engine.add_paths(list(paths) or [DEFAULT_SOURCE], progress=bar.update)
    _print_report(report, engine, as_json)
    if report.skipped and not (report.indexed or report.unchanged):
        sys.exit(1)


@main.command()
@index_option
@cluster_option
@json_option
@click.argument("words", nargs=-1, required=True, metavar="QUERY")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, SearchRequest.MAX_LIMIT),
              help="Results per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or before (YYYY-MM-DD).")
@click.option("--year", type=click.IntRange(1, 9999), help="Only articles published in this year.")
@click.option("--source", help="Only articles from this source (a site, or the folder of a .txt file).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Best matches first, or newest first.")
@click.option("--all", "show_all", is_flag=True,
              help="List near-duplicates (the same story from several sites) each as a hit of its own.")
@click.option("--as-typed", is_flag=True, help="Search Telex, VNI or VIQR keystrokes as typed, not converted.")
@synonyms_option
def search(
    index_path: str, cluster: str | None, as_json: bool, words: tuple[str, ...], limit: int, page: int, since: dt.datetime | None,
    until: dt.datetime | None, year: int | None, source: str | None, sort: str, show_all: bool, as_typed: bool,
    synonyms: tuple[str, ...],
) -> None:
    """Search the index. Diacritics are optional: "cong doan" finds "công đoàn".

    \b
    Syntax: "exact phrase", -excluded, a OR b, title:word
    Examples:
      vnsearch search "cong doan"
      vnsearch search '"công đoàn cơ sở" -covid' --since 2021-01-01
      vnsearch search "bao lu" --year 2020 --sort date
      vnsearch search "coong ddoanf"     (Telex keystrokes: searches công đoàn)
      vnsearch search -- -covid bao lu   (after --, everything is the query)
    """
    request = SearchRequest.for_page(
        " ".join(words), page, limit, since=since.date() if since else None, until=until.date() if until else None,
        year=year, source=source, sort=sort, suggest=True, collapse=not show_all, as_typed=as_typed,
    )
    results = _open(index_path, synonyms, cluster).search(request)
    if as_json:
        click.echo(json.dumps(results.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_results(results)


@main.command()
@index_option
@cluster_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 or ::1 serves every network this machine is on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@synonyms_option
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes  [default: one per core]")
@click.option("--cache-mb", default=512, show_default=True, type=click.IntRange(16),
              help="Memory the workers may keep of the index, together (MB).")
def serve(index_path: str, cluster: str | None, host: str, port: int, synonyms: tuple[str, ...], workers: int | None, cache_mb: int) -> None:
    """Serve the search page and the HTTP API (needs: pip install 'vnsearch[server]').

    Several worker processes (one per core) search the index at once; each picks up what
    another process indexes as its commits land. See the README to put it behind a reverse
    proxy.

    \b
    Then open http://127.0.0.1:8000/ ; the API is described at /docs.
    Example:
      vnsearch serve --index index --port 8000 --workers 2 --cache-mb 512
    """
    try:
        from .serving import default_workers, is_loopback, run
    except ImportError as error:
        raise click.ClickException(
            f"vnsearch serve needs the server extra ({error.name} is missing): pip install 'vnsearch[server]'"
        ) from None
    engine = _open(index_path, synonyms, cluster)
    engine.synonyms()  # a synonyms file that cannot be read fails here
    documents = engine.info().documents  # fails here, in one line, when there is no index
    workers = workers or default_workers()
    if not is_loopback(host):
        click.echo(
            f"Warning: --host {host} lets any machine that can reach this one search the index, without a password "
            "or encryption: use 127.0.0.1 behind a reverse proxy (see the README) unless that is what you want.",
            err=True,
        )
    click.echo(
        f"Serving {documents} documents from {engine.path} at http://{host}:{port}/ with {workers} "
        f"worker{'s' if workers > 1 else ''} and {cache_mb} MB of cache (Ctrl+C to stop)",
        err=True,
    )
    run(engine.path, host, port, workers=workers, cache_mb=cache_mb, synonyms=synonyms, **({"cluster": True} if cluster else {}))


@main.command()
@index_option
def rebuild(index_path: str) -> None:
    """Rebuild the index from the sources it recorded, with this version's analyzer.

    Use it after upgrading vnsearch, or when the index is damaged.

    \b
    Example:
      vnsearch rebuild --index ./index
    """
    engine = SearchEngine(index_path)
    with ProgressBar("Rebuilding") as bar:
        report = engine.rebuild(progress=bar.update)
    _print_report(report, engine, False)


@main.command()
@index_option
@cluster_option
@json_option
def info(index_path: str, cluster: str | None, as_json: bool) -> None:
    """Show what the index holds: documents, size, sources, versions; over a cluster, each node.

    \b
    Examples:
      vnsearch info --json
      vnsearch info --cluster ./cluster
    """
    details = _engine(index_path, cluster).info()
    if as_json:
        click.echo(json.dumps(_info_json(details), ensure_ascii=False, indent=2))
        return
    click.echo(f"index:      {details.path}")
    click.echo(f"documents:  {details.documents}")
    click.echo(f"size:       {_size(details.size_bytes)}")
    click.echo(f"analyzer:   v{details.analyzer_version} (schema v{details.schema_version})")
    click.echo(f"updated:    {details.updated or '-'}")
    click.echo("sources:    " + ("\n            ".join(details.sources) or "-"))
    for node in details.nodes:
        documents = f"{node.documents} documents" if node.documents is not None else "-"
        click.echo(f"node:       {node.name} {node.address} {node.state}, {documents}" + (f", searchd {node.version}" if node.version else ""))


@main.group()
def cluster() -> None:
    """Search past one machine: a sharded Sphinx or Manticore cluster (see the README)."""


@cluster.command("config")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--nodes", default=2, show_default=True, type=click.IntRange(1, 64), help="Nodes, each holding one shard.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the nodes listen on.")
@click.option("--port", default=9306, show_default=True, type=click.IntRange(1, 65535),
              help="SphinxQL port of the first node; node i listens on port+2i (SphinxQL) and port+2i+1 (its peers).")
def cluster_config(folder: str, nodes: int, host: str, port: int) -> None:
    """Write the searchd configuration of a cluster of NODES nodes into FOLDER.

    \b
    Example:
      vnsearch cluster config ./cluster --nodes 2
      searchd --config ./cluster/node1/searchd.conf
      searchd --config ./cluster/node2/searchd.conf
      vnsearch index --cluster ./cluster seeds/
    """
    from .cluster import write_cluster

    config = write_cluster(folder, nodes, host, port)
    click.echo(f"Wrote a cluster of {nodes} node{'s' if nodes > 1 else ''} in {config.path}. Start each node:")
    for command in config.start_commands():
        click.echo(f"  {command}")
    click.echo(f"then index and search it: vnsearch index --cluster {folder} seeds/ && vnsearch search --cluster {folder} \"cong doan\"")


@main.command()
@index_option
@json_option
@click.argument("text")
def analyze(index_path: str, as_json: bool, text: str) -> None:
    """Show the terms each field's analyzer makes of TEXT.

    Syllables of one word (as pyvi segments the text) are shown joined by "_"; the
    "folded" line is what queries typed without diacritics match.

    \b
    Example:
      vnsearch analyze "Công đoàn Hoà Bình"
    """
    fields = SearchEngine(index_path).analyze(text)
    if as_json:
        click.echo(json.dumps({name: [asdict(t) for t in terms] for name, terms in fields.items()}, ensure_ascii=False, indent=2))
        return
    lines = {name: _words(terms, "text") for name, terms in fields.items()}
    lines["folded"] = _words(next(iter(fields.values()), []), "folded")
    width = max(map(len, lines))
    for name, words in lines.items():
        click.echo(f"{name.ljust(width)}  {words}")


# -- rendering ------------------------------------------------------------------------------


def _words(terms: list[Term], attribute: str) -> str:
    """Terms at consecutive positions (one word) joined by "_": ``công_đoàn tỉnh``."""
    out = ""
    for i, term in enumerate(terms):
        if i:
            out += "_" if term.position == terms[i - 1].position + 1 else " "
        out += getattr(term, attribute)
    return out


def _engine(index_path: str, cluster: str | None, synonyms: tuple[str, ...] = ()) -> Any:
    """The embedded engine on ``index_path``, or with ``cluster`` the cluster's (same interface)."""
    if cluster is not None:
        from .cluster import ClusterEngine

        return ClusterEngine(cluster, synonyms=synonyms)
    return SearchEngine(index_path, synonyms=synonyms)


def _open(index_path: str, synonyms: tuple[str, ...] = (), cluster: str | None = None) -> Any:
    """The engine on ``index_path``; the default index is built from seeds/ on first use."""
    if cluster is not None:
        return _engine(index_path, cluster, synonyms)
    engine = SearchEngine(index_path, synonyms=synonyms, progress=ProgressBar("Preparing the index for search").update)
    default = click.get_current_context().get_parameter_source("index_path") == ParameterSource.DEFAULT
    if not engine.exists() and default and Path(DEFAULT_SOURCE).is_dir():
        click.echo(f"No index yet: building {index_path}/ from {DEFAULT_SOURCE}/ (first run)…", err=True)
        engine.add_paths([DEFAULT_SOURCE])
    return engine


class ProgressBar:
    """A progress bar on stderr, shown only on a terminal; ``update(done, total)``."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or total <= 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_percent=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:  # (a bar that is not a context's, such as the one a search shows, ends itself)
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _print_report(report: IndexReport, engine: Any, as_json: bool) -> None:
    documents = engine.info().documents
    if as_json:
        data = {
            "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "skipped": [{"item": s.item, "reason": s.reason} for s in report.skipped],
            "repaired": [{"item": r.item, "repair": r.repair} for r in report.repaired],
            "documents": documents, "index": engine.path,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for skipped in report.skipped:
        click.echo(f"skipped {skipped}", err=True)
    for repaired in report.repaired:
        click.echo(f"repaired {repaired}", err=True)
    fixed = f", {len(report.repaired)} repaired" if report.repaired else ""
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped{fixed}; {documents} documents in {engine.path}"
    )


def _print_results(results: SearchResults) -> None:
    if results.unavailable:
        click.echo(f"Warning: {', '.join(results.unavailable)} did not answer: these results are from the other shards only.", err=True)
    if results.showing:
        click.echo(f"Showing results for {results.showing}; search instead for {results.query} (--as-typed)")
    for notice in results.relaxed_notices if results.total else ():  # (with no results, nothing is shown instead)
        click.echo(notice)
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")
    if not results.hits:
        more = " on this page" if results.total else ""
        click.echo(f"No results{more} for “{results.query}”.")
        return
    first, last = results.offset + 1, results.offset + len(results.hits)
    click.echo(f"{first}–{last} of {results.total} results for “{results.query}” ({results.took_ms:.0f} ms)")
    if results.partial and not results.unavailable:
        click.echo("No article has all the words; these have most of them.")
    for rank, hit in enumerate(results.hits, first):
        _print_hit(rank, hit)


def _print_hit(rank: int, hit: Hit) -> None:
    click.echo()
    click.echo(f"{rank:>2}. " + click.style(hit.title or hit.id, bold=True))
    meta = " · ".join(x for x in (hit.date.isoformat() if hit.date else "no date", hit.id) if x)
    click.echo("    " + click.style(meta, dim=True))
    click.echo("    " + hit.snippet.mark(BOLD, NOT_BOLD))  # click drops styles off a terminal
    if hit.similar:
        more = f", and {len(hit.similar) - 3} more" if len(hit.similar) > 3 else ""
        click.echo("    " + click.style(f"and {len(hit.similar)} similar: {', '.join(hit.similar[:3])}{more} (--all lists them)", dim=True))


def _info_json(details: IndexInfo) -> dict[str, Any]:
    return {
        "documents": details.documents,
        "size_bytes": details.size_bytes,
        "sources": list(details.sources),
        "analyzer_version": details.analyzer_version,
        "schema_version": details.schema_version,
        "updated": details.updated,
        "path": details.path,
        **({"nodes": [asdict(node) for node in details.nodes]} if details.nodes else {}),
    }


def _size(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
