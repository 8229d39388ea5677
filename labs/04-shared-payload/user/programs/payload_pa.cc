// user/programs/payload_pa.cc: where the payload's pages are, seen from this AS.
#include "user/lib/payload.hh"
#include "user/lib/process.hh"
#include "user/lib/ulib.hh"

int main(u64 seed) {
  const PayloadHeader* h = payload_header();
  if (!h) return 3;
  ureport("payload_pa as=%u rodata=%lx data=%lx", my_as_id(), sys_physical(h), sys_physical(reinterpret_cast<void*>(h->data_start)));
  for (int i = 0; i < 3; i++) sys_yield();  // keep both ASes alive together
  return 0;
}
