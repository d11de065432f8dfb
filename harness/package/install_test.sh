#!/usr/bin/env bash
# The installed Stutter is enough to gate a plug-in: install the build into a temporary
# prefix, build the example C plug-in out of tree against the installed files only (its
# CMakeLists.txt finds Stutter with find_package), run its gate test, check that an
# installed `stutter run` with no paths finds the installed corpus, and build the Debian
# package and check it depends on the libraries `stutter` links.
#
# Usage: install_test.sh BUILD_DIR C_COMPILER
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR C_COMPILER" >&2
  exit 2
fi
build=$(cd "$1" && pwd) cc=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# step NAME COMMAND...: runs it in $tmp, output in $tmp/NAME.out; shown when it fails.
step() {
  local name=$1 rc=0
  shift
  (cd "$tmp" && "$@") >"$tmp/$name.out" 2>&1 || rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "$name: $* exited $rc; its output:"
    sed 's/^/    /' "$tmp/$name.out" >&2
    return 1
  fi
}

step install cmake --install "$build" --prefix "$prefix" || exit 1
for f in bin/stutter include/stutter/plugin.h lib/cmake/Stutter/StutterConfig.cmake \
         lib/cmake/Stutter/StutterConfigVersion.cmake share/stutter/scenarios/README.md \
         share/stutter/examples/cframe/cframe.c share/stutter/examples/cframe/CMakeLists.txt; do
  [[ -e $prefix/$f ]] || fail "install: $f is missing"
done

# The example, copied away from the source tree so that nothing but the prefix is in reach.
cp -r "$prefix/share/stutter/examples/cframe" "$tmp/example"
if step configure cmake -S "$tmp/example" -B "$tmp/example-build" -DCMAKE_PREFIX_PATH="$prefix" \
       -DCMAKE_C_COMPILER="$cc" &&
   step build cmake --build "$tmp/example-build"; then
  if step gate ctest --test-dir "$tmp/example-build" --output-on-failure; then
    grep -q "100% tests passed" "$tmp/gate.out" || fail "gate: ctest did not report its test passing"
  fi
fi

# No paths: the installed corpus (one shard of it, enough to show it was found there: the
# results name the files they ran).
if step corpus "$prefix/bin/stutter" run --shard 1/40 -q --json "$tmp/corpus.json"; then
  grep -qE '^stutter: [1-9][0-9]* runs:' "$tmp/corpus.out" || fail "corpus: the summary shows no runs"
  grep -qF "$prefix/share/stutter/scenarios/" "$tmp/corpus.json" ||
    fail "corpus: the runs did not come from the installed corpus"
fi

if command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
  if step cpack cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/packages"; then
    deb=$(ls "$tmp"/packages/stutter_*.deb 2>/dev/null | head -1)
    if [[ -z $deb ]]; then
      fail "cpack: no stutter_*.deb in $tmp/packages"
    else
      depends=$(dpkg-deb -f "$deb" Depends)
      for lib in libssl3 libwslay1 libc6; do
        [[ $depends == *"$lib"* ]] || fail "cpack: Depends lacks $lib: $depends"
      done
      dpkg-deb -c "$deb" >"$tmp/contents.out"
      grep -q "usr/bin/stutter$" "$tmp/contents.out" || fail "cpack: the package has no usr/bin/stutter"
      echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes; Depends: $depends"
    fi
  fi
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "install test passed"
