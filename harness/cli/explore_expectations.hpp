#pragma once
// `stutter explore --expectations FILE`: known failures of an implementation tolerated by
// explore. A seed promises nothing, so the file's entries are read as "this failure is known"
// rather than "this run must fail": a failing run that an entry expecting that failure covers
// becomes `xfail` (counted, not shrunk or saved, not a failure of the job); a passing run stays
// a pass; an entry no run meets is no error; entries expecting anything but fail, hang or crash
// do not apply. The same file can serve `stutter run`.

#include "scenario/expectations.hpp"
#include "work.hpp"

namespace stutter::cli {

// Turns the outcome of a failing run into xfail, with the entry's reason on the item, when an
// entry that covers the run expects that failure (verdict, invariant, message). True when one did.
bool tolerate_known_failure(const scenario::expectations_file& f, work_item& item, work_outcome& outcome);

}  // namespace stutter::cli
