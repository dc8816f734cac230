# The memory allocator linked into the `perimeter` executable and the benchmarks
# (docs/performance.md): about 40 % of a whole `perimeter analyze` run went to glibc's malloc and free.
# PERIMETER_ALLOCATOR picks jemalloc (the default), mimalloc, or system (glibc's; sanitizer and fuzzer
# builds always use it, since AddressSanitizer replaces malloc itself).
set(PERIMETER_ALLOCATOR "jemalloc" CACHE STRING "Allocator of the executables: jemalloc, mimalloc or system")
set_property(CACHE PERIMETER_ALLOCATOR PROPERTY STRINGS jemalloc mimalloc system)

set(PERIMETER_ALLOCATOR_LIBRARY "")
if(PERIMETER_SANITIZE OR PERIMETER_BUILD_FUZZERS OR PERIMETER_ALLOCATOR STREQUAL "system")
  message(STATUS "Allocator: system (glibc)")
elseif(PERIMETER_ALLOCATOR STREQUAL "mimalloc" OR PERIMETER_ALLOCATOR STREQUAL "jemalloc")
  # One cache entry per allocator, so that changing PERIMETER_ALLOCATOR looks the new one up.
  string(TOUPPER "PERIMETER_${PERIMETER_ALLOCATOR}_LIBRARY" library_variable)
  find_library(${library_variable} NAMES ${PERIMETER_ALLOCATOR})
  if(NOT ${library_variable})
    message(FATAL_ERROR
      "PERIMETER_ALLOCATOR=${PERIMETER_ALLOCATOR}: lib${PERIMETER_ALLOCATOR}.so not found. Install the "
      "Debian package lib${PERIMETER_ALLOCATOR}-dev (make setup), or configure with "
      "-DPERIMETER_ALLOCATOR=system.")
  endif()
  set(PERIMETER_ALLOCATOR_LIBRARY ${${library_variable}})
  message(STATUS "Allocator: ${PERIMETER_ALLOCATOR_LIBRARY}")
else()
  message(FATAL_ERROR "PERIMETER_ALLOCATOR=${PERIMETER_ALLOCATOR}: use jemalloc, mimalloc or system")
endif()

# perimeter_link_allocator(TARGET): makes TARGET's malloc and free (and so operator new and delete) the
# chosen allocator's. The shared library is linked without --as-needed so that it stays in the
# executable's needed list even though no symbol of it is named: its malloc then precedes glibc's in
# the dynamic linker's search order.
function(perimeter_link_allocator target)
  if(PERIMETER_ALLOCATOR_LIBRARY)
    # One item, so that CMake's de-duplication of link flags cannot split the push from the pop.
    target_link_libraries(
      ${target} PRIVATE "-Wl,--push-state,--no-as-needed,${PERIMETER_ALLOCATOR_LIBRARY},--pop-state")
  endif()
endfunction()
