#!/usr/bin/env bash
# The per-ISA float GEMM objects must not define a weak symbol that code built for another ISA
# could share: the linker keeps one copy of each weak (inline or template) symbol, so an AVX-512
# copy of an Eigen or std template could end up running on the portable path (a crash on a CPU
# without AVX-512, or other bits). gemm_body.inc renames Eigen per ISA; this checks that nothing
# else leaks. Usage: test_isa_symbols.sh LIBLNSLAB_NN.a
set -euo pipefail
lib=$1
fail=0
for isa in avx2 avx512; do
  member=gemm_${isa}.cpp.o
  if ! ar t "$lib" | grep -qx "$member"; then
    echo "FAIL: $member is not in $lib"
    fail=1
    continue
  fi
  leaked=$(ar p "$lib" "$member" > /tmp/lnslab-isa-$$.o && nm -C --defined-only /tmp/lnslab-isa-$$.o |
    awk '$2 ~ /^[WVu]$/' | grep -v "lnslab_eigen_${isa}" | grep -v "DW.ref.__gxx_personality_v0" || true)
  rm -f /tmp/lnslab-isa-$$.o
  if [ -n "$leaked" ]; then
    echo "FAIL: $member defines weak symbols outside its own Eigen namespace:"
    echo "$leaked" | head -20
    fail=1
  else
    echo "ok: $member defines weak symbols only in lnslab_eigen_${isa}"
  fi
done
exit $fail
