# nbgrader's configuration for the convlab course (lessons/README.md, "Teaching a class").
# `npm run course` copies this file to out/course/, nbgrader's course folder: run nbgrader there.
# The notebooks are TypeScript, run by the convlab kernel ("TypeScript (convlab)", registered in the project's
# .venv by tools/python/venv.sh + npm run lab / npm run course); their cells already carry nbgrader's metadata.
c = get_config()  # noqa: F821 (nbgrader provides it)

# What generate_assignment puts in place of a solution: the same stub as the student edition of `npm run course`
# (tools/course/editions.ts, CODE_STUB); it throws, so an unanswered exercise fails its tests.
c.ClearSolutions.code_stub = {
    "typescript": '// YOUR CODE HERE\nthrow new Error("No answer yet: write your code here, then run this cell.");',
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding runs every cell in the convlab kernel (the notebooks name it). A cell may run this many seconds; a
# cell that runs longer (a learner's endless loop) is interrupted, recorded as an error and scores 0, and the
# notebook goes on. The kernel stops even a tight synchronous loop on interrupt (tools/jupyter-kernel/README.md).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# The release keeps a learner-visible note where hidden tests were (tools/course/editions.ts, HIDDEN_NOTE).
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
