#!/usr/bin/env python3
"""Prints the README's configuration table from `rampart serve --help` (flag, environment variable, meaning and
default). With --write, replaces the table between the README's config-table markers. Tests/e2e checks that the
README matches."""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- config-table:begin -->", "<!-- config-table:end -->"


def options(binary: str) -> list[dict]:
    """The serve command's options, from ArgumentParser's machine-readable help dump."""
    dump = subprocess.run([binary, "serve", "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout
    arguments = json.loads(dump)["command"]["arguments"]
    return [a for a in arguments if a.get("shouldDisplay", True) and a["preferredName"]["name"] != "help"]


def table(binary: str) -> str:
    rows = ["| flag | environment | meaning | default |", "|---|---|---|---|"]
    for option in options(binary):
        flag = "--" + option["preferredName"]["name"]
        if option["kind"] == "option":
            flag += f" <{option.get('valueName', 'value')}>"
        help_text = option.get("abstract", "")
        env = re.search(r"Env (RAMPART_[A-Z_]+)", help_text)
        default = re.search(r"Default: (.*?)\.?$", help_text)
        meaning = help_text.split(" Env RAMPART_")[0]
        values = option.get("allValueStrings") or option.get("allValues")
        if values:
            meaning += f" ({', '.join(values)})"
        rows.append(f"| `{flag}` | {('`' + env.group(1) + '`') if env else ''} | {meaning} | {default.group(1) if default else ''} |")
    return "\n".join(rows)


def main():
    binary = str(ROOT / ".build" / "release" / "rampart")
    args = [a for a in sys.argv[1:] if a != "--write"]
    if args:
        binary = args[0]
    generated = table(binary)
    if "--write" in sys.argv:
        readme = ROOT / "README.md"
        text = readme.read_text()
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        readme.write_text(text[:start] + "\n" + generated + "\n" + text[end:])
    else:
        print(generated)


if __name__ == "__main__":
    main()
