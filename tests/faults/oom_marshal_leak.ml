(* Marshal runs cut short by Out_of_memory (its output buffer, object table
   or work stack cannot grow) must give back all their working memory: after
   each failure, with the data dropped, the live heap is what it was. *)
let grow () =
  let rec go l = go (Marshal.from_string (Marshal.to_string (l, l) []) 0 :: l) in
  go []

let live () = Gc.full_major (); (Gc.stat ()).Gc.live_words

let () =
  (try grow () with Out_of_memory -> ());
  let first = live () in
  let worst = ref first in
  for _ = 1 to 8 do
    (try grow () with Out_of_memory -> ());
    worst := max !worst (live ())
  done;
  Printf.printf "live words after 9 failures within 1%% of the first: %b\n"
    (!worst <= first + first / 100 + 64)
