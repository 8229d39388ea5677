# mk/instructor.mk: instructor-only make targets (handout, batch grading, course platforms).
# Included by the top-level Makefile. (Filled in by the instructor-tooling work.)
