# Warnings as errors for the project's own code; third-party headers come in
# through imported targets and are treated as system headers.
add_library(smlapi_warnings INTERFACE)
target_compile_options(smlapi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough -Werror)
