#!/bin/sh
# usage: cg.sh BINARY  -> instructions per call (half the difference of 3 and 1 reps)
B=${1:-./target/release/spike}
for m in tail fnloop match; do for k in fib sha; do
  a=$(nice -n 19 valgrind --tool=callgrind --callgrind-out-file=/dev/null $B $m $k 1 2>&1 | awk '/Collected/{print $4}')
  b=$(nice -n 19 valgrind --tool=callgrind --callgrind-out-file=/dev/null $B $m $k 3 2>&1 | awk '/Collected/{print $4}')
  echo "$m $k $(( (b - a) / 2 ))"
done; done
