"""grader/harness/seeded.py: the grader's copy of the kernel's seeded generator.

SplitMix64 here must give exactly the numbers lib/random.hh gives in the kernel, so the
grader can compute every expected value itself from the seed it passed.
"""

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def s32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def s64(v):
    v &= MASK
    return v - (1 << 64) if v & (1 << 63) else v
