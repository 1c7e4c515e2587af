# lnslab_set_warnings(target): our own code is compiled with -Wall -Wextra (and -Werror in CI).
# Sanitizers apply to every lnslab target when LNSLAB_SANITIZE is on.
function(lnslab_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  # No fused multiply-add contraction: float references and fast paths must round identically
  # whatever -march is used (docs/design.md §6: no -ffast-math, bit-exact numerics).
  target_compile_options(${target} PRIVATE -ffp-contract=off)
  # The kernels carry GCC-only tuning (optimize attributes, -Wmaybe-uninitialized pragmas) that
  # clang (the fuzz build) ignores.
  target_compile_options(${target} PRIVATE
    $<$<CXX_COMPILER_ID:Clang>:-Wno-unknown-attributes -Wno-unknown-warning-option>)
  if(LNSLAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(LNSLAB_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
  if(LNSLAB_SANITIZE)
    # ASan instrumentation makes GCC 12 report false -Wmaybe-uninitialized inside libstdc++
    # (std::function in std::regex, used by Catch2); the Release build keeps the warning.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(LNSLAB_FUZZ)
    # Coverage feedback for libFuzzer in every library; the fuzz targets add the driver.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
endfunction()
