(* Str on inputs that make backtracking explode: exponential regexps on
   texts short enough to end (as under ocamlrun), and a long text that
   needs a deep backtracking stack (which must not be the C stack). *)
let count_matches r s =
  let rec go pos n =
    match Str.search_forward r s pos with
    | i -> go (max (i + 1) (Str.match_end ())) (n + 1)
    | exception Not_found -> n
  in
  go 0 0

let () =
  let a = String.make 18 'a' in
  Printf.printf "(a*)*b: %b\n" (Str.string_match (Str.regexp "\\(a*\\)*b") a 0);
  Printf.printf "(a*)+b search: %s\n"
    (match Str.search_forward (Str.regexp "\\(a*\\)+b") (String.sub a 0 14) 0 with
     | i -> string_of_int i | exception Not_found -> "Not_found");
  Printf.printf "(a|aa)*b: %b\n" (Str.string_match (Str.regexp "\\(a\\|aa\\)*b") (String.make 22 'a') 0);
  let m = Str.string_match (Str.regexp "\\(a?\\)*$") a 0 in
  Printf.printf "(a?)*: %b %d\n" m (Str.match_end ());
  let long = String.init 200_000 (fun i -> if i mod 7 = 3 then 'b' else 'a') in
  let deep = Str.regexp "\\(\\(a\\|b\\)*\\)x" in
  Printf.printf "deep: %b\n" (Str.string_match deep long 0);
  let m = Str.string_partial_match deep long 0 in
  Printf.printf "deep partial: %b %d\n" m (Str.match_end ());
  let star = Str.regexp "\\(.\\)*c$" in
  let m = Str.string_match star (long ^ "c") 0 in
  Printf.printf "deep star: %b\n" m;
  Printf.printf "group 1: %S\n" (Str.matched_group 1 (long ^ "c"));
  Printf.printf "words: %d\n" (count_matches (Str.regexp "\\b[ab]+\\b") (String.concat " " (List.init 2000 (fun i -> String.make (1 + i mod 5) 'a'))));
  Printf.printf "split: %d\n" (List.length (Str.split (Str.regexp "b+") long))
