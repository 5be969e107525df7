"""``inspector checklist validate|list``: check template files before they ship, list them.

``validate`` is what a template author runs (and CI): one line per file, "OK" or the
:class:`~inspector_app.checklists.templates.TemplateError` message naming file, item and
problem; exit status 1 when any file fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector_app.i18n import _

EXIT_OK = 0
EXIT_FAILED = 1


def _cmd_validate(args: argparse.Namespace) -> int:
    from inspector_app.checklists.templates import TemplateError, load_template, template_files

    files: list[Path] = list(args.files) or template_files()
    if not files:
        print(_("No checklist templates found."))
        return EXIT_FAILED
    failed = 0
    for path in files:
        try:
            template = load_template(path)
        except TemplateError as error:
            failed += 1
            print(_("FAILED {message}").format(message=error))
            continue
        print(_("OK     {file} ({n} items)").format(file=path.name, n=len(template.items_by_code)))
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_list(_args: argparse.Namespace) -> int:
    from inspector_app.checklists.templates import shipped_templates
    from inspector_app.vocabulary import institution_kind_label

    templates = shipped_templates()
    if not templates:
        print(_("No checklist templates found."))
        return EXIT_OK
    for template in templates:
        kinds = ", ".join(institution_kind_label(kind) for kind in template.applies_to)
        kind_text = _("thematic, {kinds}") if template.thematic else "{kinds}"
        print(
            _("{code} {version}  {title}  [{kinds}]  {n} items").format(
                code=template.code,
                version=template.version,
                title=template.title.text(),
                kinds=kind_text.format(kinds=kinds),
                n=len(template.items_by_code),
            )
        )
    return EXIT_OK


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register ``checklist validate`` and ``checklist list`` on ``commands``."""
    checklist = commands.add_parser("checklist", help=_("validate or list checklist templates"))
    actions = checklist.add_subparsers(dest="checklist_command", metavar="ACTION")
    validate = actions.add_parser(
        "validate", help=_("validate template files (default: every shipped template)")
    )
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE")
    validate.set_defaults(handler=_cmd_validate)
    listing = actions.add_parser("list", help=_("list the shipped templates"))
    listing.set_defaults(handler=_cmd_list)
