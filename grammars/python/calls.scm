; Call statements whose arguments merge one by one, such as
; model.compile(...), opt = Adam(learning_rate=...), model.fit(...).
; The callee and the assigned target (read from the nodes' fields in code)
; name the call for matching across versions.

(expression_statement (call) @call) @statement

(expression_statement (assignment right: (call) @call)) @statement
