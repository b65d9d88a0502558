#!/bin/sh
# t/rs/fakebird.sh MODE: a BIRD control socket that misbehaves, for
# t/rs/birdsock.sh (run by socat, one per connection, on stdin/stdout).
#   error    greets, then answers every command with a run-time error
#   silent   greets, then never answers
#   garbage  greets, then answers with a line that is no BIRD reply
#   mute     says nothing at all
mode=$1
[ "$mode" = mute ] || printf '0001 BIRD 2.0.12 ready.\n'
while read -r line; do
	case $mode in
	error)
		case $line in
		"configure check"*)
			printf '0002-Reading configuration from %s\n' "${line#configure check }"
			printf '8002 %s:12:3 syntax error, unexpected CF_SYM_UNDEFINED\n' "${line#configure check }" ;;
		*)	printf '8007 Access denied\n' ;;
		esac ;;
	garbage) printf 'hello there\n' ;;
	*) ;;
	esac
done
