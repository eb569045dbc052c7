(* Single huge requests are refused with Out_of_memory (their sizes stay
   below the 32-bit limits, so that only memory is lacking); the program
   goes on, and can still use what a failure left. *)
let try_alloc name f =
  match f () with
  | _ -> Printf.printf "%s: allocated\n" name
  | exception Out_of_memory -> Printf.printf "%s: Out_of_memory\n" name

let () =
  try_alloc "Array.make" (fun () -> Array.make 4_000_000 0);
  try_alloc "Array.make float" (fun () -> Array.make 2_000_000 1.0);
  try_alloc "Float.Array.create" (fun () -> Float.Array.create 2_000_000);
  try_alloc "Bytes.create" (fun () -> Bytes.create 15_000_000);
  try_alloc "String.make" (fun () -> String.make 15_000_000 'x');
  try_alloc "Buffer.create" (fun () -> Buffer.create 15_000_000);
  try_alloc "Hashtbl.create" (fun () -> Hashtbl.create 4_000_000);
  try_alloc "Array.init" (fun () -> Array.init 4_000_000 (fun i -> i));
  try_alloc "Array.concat" (fun () -> let a = Array.make 100_000 0 in Array.concat (List.init 40 (fun _ -> a)));
  try_alloc "Marshal.from_string" (fun () ->
      let s = Marshal.to_string (Array.make 100_000 0) [] in
      List.init 40 (fun _ -> (Marshal.from_string s 0 : int array)));
  try_alloc "Bytes.extend" (fun () -> Bytes.extend (Bytes.create 10) 0 15_000_000);
  try_alloc "String.concat" (fun () -> String.concat "" (List.init 2000 (fun _ -> String.make 10_000 'c')));
  let a = Array.make 10_000 7 in
  Printf.printf "after the failures: %d\n" (Array.fold_left ( + ) 0 a)
