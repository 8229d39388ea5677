# mk/instructor.mk: instructor-only make targets (handout, batch grading, course platforms).
# Included by the top-level Makefile (`-include`: a student handout has no copy of this
# file, and its Makefile works without it). The tools are in grader/: handout.py,
# batch.py, gradescope/bundle.py; each documents itself (`--help`).
#
#   make handout [LAB=N] [OUT=dir] [VERIFY=0]      student tree + tarball of labs 01..N, proved
#   make batch SUBMISSIONS=dir LAB=NN [J=2] [TIMEOUT=secs] [OUT=dir] [HIDDEN=0]
#   make gradescope LAB=NN [OUT=dir] [TIMEOUT=540]  Gradescope autograder zip for stage NN
#   make grade LAB=NN SOLUTION=1 HIDDEN=1           instructor mode: grader/hidden too

# Instructor mode for `make grade`: add the hidden tests.
ifeq ($(HIDDEN),1)
  override GRADE_ARGS += --hidden
endif

J ?= 2
TIMEOUT ?= 600

.PHONY: handout batch gradescope
handout: env-quick
	@$(PYTHON) grader/handout.py --lab $(call strip_zero,$(LABN)) --out '$(or $(OUT),dist)' -j $(J) \
	  $(if $(filter 0,$(VERIFY)),--no-verify)

batch: env-quick
	@test -n '$(SUBMISSIONS)' || { echo "make batch: say which submissions: make batch SUBMISSIONS=dir LAB=NN"; exit 2; }
	@$(PYTHON) grader/batch.py --submissions '$(SUBMISSIONS)' --lab $(call strip_zero,$(LABN)) -j $(J) \
	  --timeout $(TIMEOUT) $(if $(OUT),--out '$(OUT)') $(if $(filter 0,$(HIDDEN)),--no-hidden)

gradescope: env-quick
	@$(PYTHON) grader/gradescope/bundle.py --lab $(call strip_zero,$(LABN)) --out '$(or $(OUT),dist)' \
	  $(if $(filter command line environment,$(origin TIMEOUT)),--timeout $(TIMEOUT))
