(* Str on many regexps and strings: every matching primitive, the group
   positions they report, replacement and splitting.  Hand-picked cases
   first, then regexps and texts drawn from a small grammar (fixed seed). *)
let groups () =
  let pos f i = match f i with p -> string_of_int p | exception Not_found -> "-" in
  let rec go i acc =
    match pos Str.group_beginning i, pos Str.group_end i with
    | "-", "-" -> go (i + 1) (Printf.sprintf "%d:-" i :: acc)
    | b, e -> go (i + 1) (Printf.sprintf "%d:%s-%s" i b e :: acc)
    | exception Invalid_argument _ -> List.rev acc
  in
  String.concat " " (go 0 [])

let show f =
  match f () with
  | r -> r
  | exception Not_found -> "Not_found"
  | exception Failure m -> "Failure " ^ m
  | exception Invalid_argument m -> "Invalid_argument " ^ m

let probe re s =
  let rx = show (fun () -> ignore (Str.regexp re); "ok") in
  if rx <> "ok" then Printf.printf "%S: %s\n" re rx
  else begin
    let r = Str.regexp re and rf = Str.regexp_case_fold re in
    let len = String.length s in
    let m r pos = show (fun () -> if Str.string_match r s pos then groups () else "no") in
    let p pos = show (fun () -> if Str.string_partial_match r s pos then groups () else "no") in
    let fw r pos = show (fun () -> let i = Str.search_forward r s pos in Printf.sprintf "@%d %s" i (groups ())) in
    let bw r pos = show (fun () -> let i = Str.search_backward r s pos in Printf.sprintf "@%d %s" i (groups ())) in
    Printf.printf "%S on %S\n match %s | at1 %s | partial %s | partial1 %s\n" re s (m r 0) (m r 1) (p 0) (p 1);
    Printf.printf " fwd %s | fwd-mid %s | bwd %s | bwd-mid %s\n" (fw r 0) (fw r (len / 2)) (bw r len) (bw r (len / 2));
    Printf.printf " fold: match %s | fwd %s | bwd %s\n" (m rf 0) (fw rf 0) (bw rf len);
    Printf.printf " replace %s | replace1 %s | first %s | subst %s\n"
      (show (fun () -> Str.global_replace r "<\\0>" s))
      (show (fun () -> Str.global_replace r "<\\1|\\0>" s))
      (show (fun () -> Str.replace_first r "[\\\\]" s))
      (show (fun () -> Str.global_substitute r (fun t -> String.uppercase_ascii (Str.matched_string t)) s));
    Printf.printf " split [%s] | full [%s]\n"
      (show (fun () -> String.concat ";" (Str.split r s)))
      (show (fun () -> String.concat ";" (List.map (function
         | Str.Text t -> "T" ^ t | Str.Delim d -> "D" ^ d) (Str.bounded_full_split r s 3))))
  end

let regexps = [
  "a"; "abc"; "a*"; "a+"; "a?"; "ab*c"; "\\(a\\|b\\)*c"; "\\(ab\\)+"; "^a"; "a$"; "^$";
  "[a-c]+"; "[^a-c]+"; "[]a]"; "[a-]"; "."; ".*"; "\\(.*\\)x"; "\\bfoo\\b"; "\\b";
  "\\(a*\\)*b"; "\\(a*\\)+b"; "\\(a\\|ab\\)\\(c\\|bcd\\)\\(d*\\)"; "\\([a-z]+\\) \\1";
  "\\(\\(a\\)\\|b\\)*"; "x\\(y\\(z\\)?\\)?"; "Hello"; "[A-Z][a-z]*"; "\\$"; "a\\|b\\|c";
  "\\(\\)"; "\\(a?\\)*"; "[0-9]+\\(\\.[0-9]*\\)?"; "\\([^ ]+\\) *= *\\(.*\\)$"; "\\\\";
  "\\(a\\)\\(b\\)\\(c\\)\\(d\\)\\(e\\)\\(f\\)\\(g\\)\\(h\\)\\(i\\)\\(j\\)\\(k\\)";
  "\\(a"; "a\\)"; "*a"; "[a"; "a**"; "\\([ab]*\\)\\1"; "\n"; "^ *$"; "\\(x*\\)\\(y*\\)";
]

let texts = [
  ""; "a"; "abc"; "aaab"; "xabcabcx"; "foo bar foo"; "Hello hello HELLO"; "a\nb\n\nc";
  "key = value"; "3.14 and 42"; "abab abab"; "aaaaaaaaaab"; "xyz xy x"; "back\\slash";
  "ABCabc"; "the the cat"; "\xe9t\xe9 caf\xe9"; "a]b-c"; "abcdefghijk";
]

let random_regexp st =
  let atoms = [| "a"; "b"; "."; "[ab]"; "[^a]"; "A"; "\\b"; "^"; "$" |] in
  let rec gen d =
    match if d = 0 then 0 else Random.State.int st 7 with
    | 0 | 1 -> atoms.(Random.State.int st (Array.length atoms))
    | 2 -> gen (d - 1) ^ gen (d - 1)
    | 3 -> "\\(" ^ gen (d - 1) ^ "\\)"
    | 4 -> "\\(" ^ gen (d - 1) ^ "\\)" ^ [| "*"; "+"; "?" |].(Random.State.int st 3)
    | 5 -> gen (d - 1) ^ "\\|" ^ gen (d - 1)
    | _ -> gen (d - 1) ^ "\\1"
  in
  gen 3

let random_text st =
  String.init (Random.State.int st 10) (fun _ -> "abAb \n_".[Random.State.int st 7])

let () =
  List.iter (fun re -> List.iter (probe re) texts) regexps;
  let st = Random.State.make [| 12 |] in
  for _ = 1 to 300 do
    let re = random_regexp st in
    probe re (random_text st);
    probe re (random_text st)
  done;
  (* Quoting, and partial matches that stop inside a group. *)
  print_endline (Str.quote "a.b*c[d]^$\\");
  List.iter (fun s ->
      let r = Str.regexp "abc\\(d\\(ef\\)\\)?\\|x\\(yz\\)" in
      let m = Str.string_partial_match r s 0 in
      Printf.printf "%S partial %b %s\n" s m (if m then groups () else ""))
    [ "ab"; "abc"; "abcd"; "abcde"; "abcdef"; "abx"; ""; "x"; "xy"; "xyz" ]
