// Size-independent choices for RapidCheck properties. rc::gen::inRange scales its range with the test's
// size (0..99 over a run of 100 cases): `switch (*rc::gen::inRange(0, 4))` takes only case 0 while the
// size is below 13 and its last case only from size 88 on, and a weighted choice built on inRange (RESP's
// `weighted`) never reaches its last kinds in small cases. A branch a property claims to test must not
// depend on how far the run has got, so branch choices go through these (they still shrink towards lo).
#pragma once

#include <rapidcheck.h>

namespace codis::props {

// Uniform in [lo, hi), whatever the size.
template <class T>
rc::Gen<T> uniform(T lo, T hi) {
  return rc::gen::resize(100, rc::gen::inRange<T>(lo, hi));
}

// One of n branches, uniformly.
inline int choice(int n) {
  return *uniform(0, n);
}

}  // namespace codis::props
