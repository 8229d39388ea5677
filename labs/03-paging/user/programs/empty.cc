// user/programs/empty.cc: does nothing; spawned by spawner to count what a process costs.
int main(unsigned long) { return 7; }
