# Warnings as errors for the project's own code; third-party headers come in
# through imported targets and are treated as system headers.
# -Wnull-dereference is left out: GCC 12 at -O2 reports it falsely on
# boost::system::result's operator* right after a has_value() check.
add_library(smlapi_warnings INTERFACE)
target_compile_options(smlapi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough -Werror)
