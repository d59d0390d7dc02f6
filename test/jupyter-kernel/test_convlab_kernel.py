"""Jupyter's standard kernel conformance tests (jupyter_kernel_test) for the convlab kernel.

Run from this folder ("test" would otherwise resolve to Python's own test package), after
`npm run build` and `npm run kernel:install -- --prefix .jupyter-test` in the repository root:
    cd test/jupyter-kernel && JUPYTER_PATH=../../.jupyter-test/share/jupyter ../../.venv/bin/python -m unittest -v test_convlab_kernel
test/jupyter-kernel/kernel-suite.test.ts does exactly this with a temporary prefix.
"""
import unittest

import jupyter_kernel_test

# The kernel's display API (tools/jupyter-kernel/display-api.ts).
KERNEL = '(globalThis as any)[Symbol.for("convlab.kernel")]'


class ConvlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "convlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    # A thrown error must produce exactly one iopub output: the error message itself.
    code_generate_error = 'throw new RangeError("out of range");'

    completion_samples = [
        {"text": "const zebraCount = 1;\nzebraC", "matches": {"zebraCount"}},
        {"text": "Number.MAX_", "matches": {"MAX_SAFE_INTEGER", "MAX_VALUE"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 3;", "function f() {\n  return 1;\n}"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,", "if (true) {\n  console.log(1);"]
    # Unfinished code followed by a blank line: consoles submit it (and show the compiler's error), as with IPython.
    invalid_code_samples = ["function f() {\n\n", "const a = [1, 2,\n\n"]

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"con" + "vlab"', "result": "'convlab'"},
        {"code": "[1, 2, 3].map((n) => n * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": f'{KERNEL}.display({{"text/html": "<b>hi</b>", "text/plain": "hi"}});', "mime": "text/html"},
        {"code": f'{KERNEL}.display({{"image/svg+xml": "<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>", "text/plain": "svg"}});', "mime": "image/svg+xml"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<i>from tslab</i>");', "mime": "text/html"},
    ]

    code_page_something = f'{KERNEL}.page("Help text shown in the pager");'

    code_clear_output = f'{KERNEL}.clearOutput();'

    code_inspect_sample = "Math.max"

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 * ?"


if __name__ == "__main__":
    unittest.main()
