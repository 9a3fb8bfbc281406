/* The test suites the runner (main.c) calls, one per file. */
#ifndef LRP_TEST_SUITES_H
#define LRP_TEST_SUITES_H

void suite_api(void);         /* test_api.c: success paths of every function */
void suite_errors(void);      /* test_errors.c: NULLs, buffers, shapes, rules, order, NaN */
void suite_model_files(void); /* test_model_files.c: malformed, missing, unwritable files */
void suite_data_files(void);  /* test_data_files.c: .npy and plain-text matrices */
void suite_render(void);      /* test_render.c: colour maps, images, edges, PNG files */
void suite_golden(void);      /* test_golden.c: the toolbox's reference results */
void suite_threads(void);     /* test_threads.c: shared handles, clones, per-thread errors */
void suite_beyond_toolbox(void); /* test_beyond_toolbox.c: composites, Caffe types, zbox, classes */
void suite_gradient_methods(void); /* test_gradient_methods.c: lrp_network_attribute */
void suite_hostile(void);     /* test_hostile.c: every export against hostile arguments */
void suite_explain_with(void); /* test_explain_with.c: arrays as dims, the explain options */
void suite_graph(void);       /* test_graph.c: graphs built from C, nodes read back */

#endif /* LRP_TEST_SUITES_H */
