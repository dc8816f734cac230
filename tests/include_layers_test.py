#!/usr/bin/env python3
"""Fails when a file of src/perimeter/ includes a header of a higher layer.

The layers are the libraries of src/perimeter/*/CMakeLists.txt (one `perimeter_library(NAME ... DEPS
...)` per folder; docs/development.md draws them). A file belongs to the library of the deepest folder
above it that defines one (src/perimeter/resources/internal/x.h belongs to perimeter_resources). A file
may include "perimeter/..." headers of its own library and of the libraries its library depends on,
directly or through others; a *_test.cc file may also include those of its library's TEST_DEPS and the
shared helpers of tests/testing/. Anything else points upward (or sideways, to a library the build does
not link), and is reported with its line.

Usage: include_layers_test.py SOURCE_DIR   (exit 0: clean, 1: violations, 2: the build files are unreadable)
"""
import pathlib
import re
import sys

LIBRARY = re.compile(r"perimeter_library\(\s*(\w+)(.*?)\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_libraries(src):
    """{folder (relative to src/perimeter): (name, deps, test_deps)}."""
    libraries = {}
    for cmake in sorted((src / "perimeter").rglob("CMakeLists.txt")):
        for match in LIBRARY.finditer(cmake.read_text()):
            name, body = match.group(1), match.group(2)
            section, deps, test_deps = None, [], []
            for word in body.split():
                if word in ("SRCS", "DEPS", "TEST_DEPS"):
                    section = word
                elif section == "DEPS" and word.startswith("perimeter_"):
                    deps.append(word)
                elif section == "TEST_DEPS" and word.startswith("perimeter_"):
                    test_deps.append(word)
            folder = cmake.parent.relative_to(src / "perimeter").as_posix()
            libraries[folder] = (name, deps, test_deps)
    return libraries


def owner(folder_of, path):
    """The folder of the library a path (relative to src/perimeter) belongs to, or None."""
    parts = pathlib.PurePosixPath(path).parts[:-1]
    for n in range(len(parts), 0, -1):
        folder = "/".join(parts[:n])
        if folder in folder_of:
            return folder
    return None


def closure(graph, start):
    seen, stack = set(), list(start)
    while stack:
        name = stack.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        stack.extend(graph[name])
    return seen


def main():
    root = pathlib.Path(sys.argv[1])
    src = root / "src"
    libraries = read_libraries(src)
    if not libraries:
        print("no perimeter_library() found under src/perimeter", file=sys.stderr)
        return 2
    graph = {name: deps for name, deps, _ in libraries.values()}
    violations = []
    for name, deps, _ in libraries.values():
        if name in closure(graph, deps):
            violations.append(f"{name}: its DEPS lead back to itself (a cycle: the layers have no order)")
    for path in sorted((src / "perimeter").rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        relative = path.relative_to(src / "perimeter").as_posix()
        folder = owner(libraries, relative)
        if folder is None:
            violations.append(f"src/perimeter/{relative}: in no library's folder")
            continue
        name, deps, test_deps = libraries[folder]
        is_test = path.name.endswith("_test.cc")
        allowed = closure(graph, [name] + (test_deps if is_test else []))
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            header = match.group(1)
            if header.startswith("tests/testing/") and is_test:
                continue
            if not header.startswith("perimeter/"):
                continue
            target = owner(libraries, header[len("perimeter/"):])
            if target is None:
                violations.append(f"src/perimeter/{relative}:{number}: {header} is in no library's folder")
                continue
            target_name = libraries[target][0]
            if target_name not in allowed:
                violations.append(
                    f"src/perimeter/{relative}:{number}: {name} includes {header} of {target_name}, "
                    f"a library {name} does not depend on (a higher layer, or one its CMakeLists.txt does not list)")
    for violation in violations:
        print(violation)
    print(f"{len(violations)} include(s) pointing to a higher layer" if violations else "every include points down")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
