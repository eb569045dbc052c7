(* A few lines of checking shared by the device tests: each failed check
   prints FAIL and makes the program exit with status 1. *)

let failures = ref 0
let checks = ref 0

let check name ok =
  incr checks;
  if not ok then begin
    incr failures;
    Printf.printf "FAIL %s\n%!" name
  end

let finish suite =
  Printf.printf "%s: %d checks, %d failed\n%!" suite !checks !failures;
  exit (if !failures = 0 then 0 else 1)
