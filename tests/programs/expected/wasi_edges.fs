/w/README.txt file 168 814ee3b3fc6926f0dd0deb119072fc21cfb7fd2d36aad0505483badd4c5ae465
/w/p1 dir
/w/p1/all.txt file 4 1f1fe0fc49f416d8b02ec8ecdd9e67d016af9e7bc0c3c14b4fc9b06359735259
/w/p1/dangling symlink -> nowhere
/w/p1/dir dir
/w/p1/dir/inner dir
/w/p1/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p1/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p1/loop1 symlink -> loop2
/w/p1/loop2 symlink -> loop1
/w/p1/rw.txt file 4 1f1fe0fc49f416d8b02ec8ecdd9e67d016af9e7bc0c3c14b4fc9b06359735259
/w/p1/self symlink -> self
/w/p1/todir symlink -> dir
/w/p1/tofile symlink -> file.txt
/w/p1/tofile_slash symlink -> file.txt/
/w/p1/up symlink -> ../../outside
/w/p1/updir symlink -> ..
/w/p1/upmore symlink -> dir/../../..
/w/p2_00 dir
/w/p2_00/dangling symlink -> nowhere
/w/p2_00/dir dir
/w/p2_00/dir/inner dir
/w/p2_00/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_00/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_00/loop1 symlink -> loop2
/w/p2_00/loop2 symlink -> loop1
/w/p2_00/self symlink -> self
/w/p2_00/todir symlink -> dir
/w/p2_00/tofile symlink -> file.txt
/w/p2_00/tofile_slash symlink -> file.txt/
/w/p2_00/up symlink -> ../../outside
/w/p2_00/updir symlink -> ..
/w/p2_00/upmore symlink -> dir/../../..
/w/p2_01 dir
/w/p2_01/dangling symlink -> nowhere
/w/p2_01/dir dir
/w/p2_01/dir/inner dir
/w/p2_01/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_01/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_01/loop1 symlink -> loop2
/w/p2_01/loop2 symlink -> loop1
/w/p2_01/self symlink -> self
/w/p2_01/todir symlink -> dir
/w/p2_01/tofile symlink -> file.txt
/w/p2_01/tofile_slash symlink -> file.txt/
/w/p2_01/up symlink -> ../../outside
/w/p2_01/updir symlink -> ..
/w/p2_01/upmore symlink -> dir/../../..
/w/p2_02 dir
/w/p2_02/dangling symlink -> nowhere
/w/p2_02/dir dir
/w/p2_02/dir/inner dir
/w/p2_02/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_02/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_02/loop1 symlink -> loop2
/w/p2_02/loop2 symlink -> loop1
/w/p2_02/self symlink -> self
/w/p2_02/todir symlink -> dir
/w/p2_02/tofile symlink -> file.txt
/w/p2_02/tofile_slash symlink -> file.txt/
/w/p2_02/up symlink -> ../../outside
/w/p2_02/updir symlink -> ..
/w/p2_02/upmore symlink -> dir/../../..
/w/p2_03 dir
/w/p2_03/dangling symlink -> nowhere
/w/p2_03/dir dir
/w/p2_03/dir/inner dir
/w/p2_03/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_03/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_03/loop1 symlink -> loop2
/w/p2_03/loop2 symlink -> loop1
/w/p2_03/self symlink -> self
/w/p2_03/todir symlink -> dir
/w/p2_03/tofile symlink -> file.txt
/w/p2_03/tofile_slash symlink -> file.txt/
/w/p2_03/up symlink -> ../../outside
/w/p2_03/updir symlink -> ..
/w/p2_03/upmore symlink -> dir/../../..
/w/p2_04 dir
/w/p2_04/dangling symlink -> nowhere
/w/p2_04/dir dir
/w/p2_04/dir/inner dir
/w/p2_04/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_04/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_04/loop1 symlink -> loop2
/w/p2_04/loop2 symlink -> loop1
/w/p2_04/self symlink -> self
/w/p2_04/todir symlink -> dir
/w/p2_04/tofile symlink -> file.txt
/w/p2_04/tofile_slash symlink -> file.txt/
/w/p2_04/up symlink -> ../../outside
/w/p2_04/updir symlink -> ..
/w/p2_04/upmore symlink -> dir/../../..
/w/p2_05 dir
/w/p2_05/dangling symlink -> nowhere
/w/p2_05/dir dir
/w/p2_05/dir/inner dir
/w/p2_05/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_05/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_05/loop1 symlink -> loop2
/w/p2_05/loop2 symlink -> loop1
/w/p2_05/self symlink -> self
/w/p2_05/todir symlink -> dir
/w/p2_05/tofile symlink -> file.txt
/w/p2_05/tofile_slash symlink -> file.txt/
/w/p2_05/up symlink -> ../../outside
/w/p2_05/updir symlink -> ..
/w/p2_05/upmore symlink -> dir/../../..
/w/p2_06 dir
/w/p2_06/dangling symlink -> nowhere
/w/p2_06/dir dir
/w/p2_06/dir/inner dir
/w/p2_06/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_06/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_06/loop1 symlink -> loop2
/w/p2_06/loop2 symlink -> loop1
/w/p2_06/self symlink -> self
/w/p2_06/todir symlink -> dir
/w/p2_06/tofile symlink -> file.txt
/w/p2_06/tofile_slash symlink -> file.txt/
/w/p2_06/up symlink -> ../../outside
/w/p2_06/updir symlink -> ..
/w/p2_06/upmore symlink -> dir/../../..
/w/p2_07 dir
/w/p2_07/dangling symlink -> nowhere
/w/p2_07/dir dir
/w/p2_07/dir/inner dir
/w/p2_07/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_07/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_07/linked file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_07/loop1 symlink -> loop2
/w/p2_07/loop2 symlink -> loop1
/w/p2_07/self symlink -> self
/w/p2_07/todir symlink -> dir
/w/p2_07/tofile symlink -> file.txt
/w/p2_07/tofile_slash symlink -> file.txt/
/w/p2_07/up symlink -> ../../outside
/w/p2_07/updir symlink -> ..
/w/p2_07/upmore symlink -> dir/../../..
/w/p2_08 dir
/w/p2_08/dangling symlink -> nowhere
/w/p2_08/dir dir
/w/p2_08/dir/inner dir
/w/p2_08/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_08/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_08/loop1 symlink -> loop2
/w/p2_08/loop2 symlink -> loop1
/w/p2_08/self symlink -> self
/w/p2_08/todir symlink -> dir
/w/p2_08/tofile symlink -> file.txt
/w/p2_08/tofile_slash symlink -> file.txt/
/w/p2_08/up symlink -> ../../outside
/w/p2_08/updir symlink -> ..
/w/p2_08/upmore symlink -> dir/../../..
/w/p2_09 dir
/w/p2_09/dangling symlink -> nowhere
/w/p2_09/dir dir
/w/p2_09/dir/inner dir
/w/p2_09/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_09/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_09/loop1 symlink -> loop2
/w/p2_09/loop2 symlink -> loop1
/w/p2_09/self symlink -> self
/w/p2_09/todir symlink -> dir
/w/p2_09/tofile symlink -> file.txt
/w/p2_09/tofile_slash symlink -> file.txt/
/w/p2_09/up symlink -> ../../outside
/w/p2_09/updir symlink -> ..
/w/p2_09/upmore symlink -> dir/../../..
/w/p2_10 dir
/w/p2_10/dangling symlink -> nowhere
/w/p2_10/dir dir
/w/p2_10/dir/inner dir
/w/p2_10/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_10/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_10/linked file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/w/p2_10/loop1 symlink -> loop2
/w/p2_10/loop2 symlink -> loop1
/w/p2_10/missing file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/w/p2_10/self symlink -> self
/w/p2_10/todir symlink -> dir
/w/p2_10/tofile symlink -> file.txt
/w/p2_10/tofile_slash symlink -> file.txt/
/w/p2_10/up symlink -> ../../outside
/w/p2_10/updir symlink -> ..
/w/p2_10/upmore symlink -> dir/../../..
/w/p2_11 dir
/w/p2_11/dangling symlink -> nowhere
/w/p2_11/dir dir
/w/p2_11/dir/inner dir
/w/p2_11/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_11/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_11/loop1 symlink -> loop2
/w/p2_11/loop2 symlink -> loop1
/w/p2_11/missing dir
/w/p2_11/self symlink -> self
/w/p2_11/todir symlink -> dir
/w/p2_11/tofile symlink -> file.txt
/w/p2_11/tofile_slash symlink -> file.txt/
/w/p2_11/up symlink -> ../../outside
/w/p2_11/updir symlink -> ..
/w/p2_11/upmore symlink -> dir/../../..
/w/p2_12 dir
/w/p2_12/dangling symlink -> nowhere
/w/p2_12/dir dir
/w/p2_12/dir/inner dir
/w/p2_12/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_12/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_12/loop1 symlink -> loop2
/w/p2_12/loop2 symlink -> loop1
/w/p2_12/self symlink -> self
/w/p2_12/todir symlink -> dir
/w/p2_12/tofile symlink -> file.txt
/w/p2_12/tofile_slash symlink -> file.txt/
/w/p2_12/up symlink -> ../../outside
/w/p2_12/updir symlink -> ..
/w/p2_12/upmore symlink -> dir/../../..
/w/p2_13 dir
/w/p2_13/dangling symlink -> nowhere
/w/p2_13/dir dir
/w/p2_13/dir/inner dir
/w/p2_13/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_13/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_13/linked symlink -> nowhere
/w/p2_13/loop1 symlink -> loop2
/w/p2_13/loop2 symlink -> loop1
/w/p2_13/nowhere file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/w/p2_13/self symlink -> self
/w/p2_13/todir symlink -> dir
/w/p2_13/tofile symlink -> file.txt
/w/p2_13/tofile_slash symlink -> file.txt/
/w/p2_13/up symlink -> ../../outside
/w/p2_13/updir symlink -> ..
/w/p2_13/upmore symlink -> dir/../../..
/w/p2_14 dir
/w/p2_14/dangling symlink -> nowhere
/w/p2_14/dir dir
/w/p2_14/dir/inner dir
/w/p2_14/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_14/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_14/loop1 symlink -> loop2
/w/p2_14/loop2 symlink -> loop1
/w/p2_14/self symlink -> self
/w/p2_14/todir symlink -> dir
/w/p2_14/tofile symlink -> file.txt
/w/p2_14/tofile_slash symlink -> file.txt/
/w/p2_14/up symlink -> ../../outside
/w/p2_14/updir symlink -> ..
/w/p2_14/upmore symlink -> dir/../../..
/w/p2_15 dir
/w/p2_15/dangling symlink -> nowhere
/w/p2_15/dir dir
/w/p2_15/dir/inner dir
/w/p2_15/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_15/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_15/linked symlink -> loop2
/w/p2_15/loop1 symlink -> loop2
/w/p2_15/loop2 symlink -> loop1
/w/p2_15/self symlink -> self
/w/p2_15/todir symlink -> dir
/w/p2_15/tofile symlink -> file.txt
/w/p2_15/tofile_slash symlink -> file.txt/
/w/p2_15/up symlink -> ../../outside
/w/p2_15/updir symlink -> ..
/w/p2_15/upmore symlink -> dir/../../..
/w/p2_16 dir
/w/p2_16/dangling symlink -> nowhere
/w/p2_16/dir dir
/w/p2_16/dir/inner dir
/w/p2_16/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_16/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_16/loop1 symlink -> loop2
/w/p2_16/loop2 symlink -> loop1
/w/p2_16/self symlink -> self
/w/p2_16/todir symlink -> dir
/w/p2_16/tofile symlink -> file.txt
/w/p2_16/tofile_slash symlink -> file.txt/
/w/p2_16/up symlink -> ../../outside
/w/p2_16/updir symlink -> ..
/w/p2_16/upmore symlink -> dir/../../..
/w/p2_17 dir
/w/p2_17/dangling symlink -> nowhere
/w/p2_17/dir dir
/w/p2_17/dir/inner dir
/w/p2_17/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_17/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_17/linked symlink -> self
/w/p2_17/loop1 symlink -> loop2
/w/p2_17/loop2 symlink -> loop1
/w/p2_17/self symlink -> self
/w/p2_17/todir symlink -> dir
/w/p2_17/tofile symlink -> file.txt
/w/p2_17/tofile_slash symlink -> file.txt/
/w/p2_17/up symlink -> ../../outside
/w/p2_17/updir symlink -> ..
/w/p2_17/upmore symlink -> dir/../../..
/w/p2_18 dir
/w/p2_18/abs file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/w/p2_18/dangling symlink -> nowhere
/w/p2_18/dir dir
/w/p2_18/dir/inner dir
/w/p2_18/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_18/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_18/linked file 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
/w/p2_18/loop1 symlink -> loop2
/w/p2_18/loop2 symlink -> loop1
/w/p2_18/self symlink -> self
/w/p2_18/todir symlink -> dir
/w/p2_18/tofile symlink -> file.txt
/w/p2_18/tofile_slash symlink -> file.txt/
/w/p2_18/up symlink -> ../../outside
/w/p2_18/updir symlink -> ..
/w/p2_18/upmore symlink -> dir/../../..
/w/p2_19 dir
/w/p2_19/dangling symlink -> nowhere
/w/p2_19/dir dir
/w/p2_19/dir/inner dir
/w/p2_19/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_19/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_19/linked symlink -> ../../outside
/w/p2_19/loop1 symlink -> loop2
/w/p2_19/loop2 symlink -> loop1
/w/p2_19/self symlink -> self
/w/p2_19/todir symlink -> dir
/w/p2_19/tofile symlink -> file.txt
/w/p2_19/tofile_slash symlink -> file.txt/
/w/p2_19/up symlink -> ../../outside
/w/p2_19/updir symlink -> ..
/w/p2_19/upmore symlink -> dir/../../..
/w/p2_20 dir
/w/p2_20/dangling symlink -> nowhere
/w/p2_20/dir dir
/w/p2_20/dir/inner dir
/w/p2_20/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_20/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_20/loop1 symlink -> loop2
/w/p2_20/loop2 symlink -> loop1
/w/p2_20/self symlink -> self
/w/p2_20/todir symlink -> dir
/w/p2_20/tofile symlink -> file.txt
/w/p2_20/tofile_slash symlink -> file.txt/
/w/p2_20/up symlink -> ../../outside
/w/p2_20/updir symlink -> ..
/w/p2_20/upmore symlink -> dir/../../..
/w/p2_21 dir
/w/p2_21/dangling symlink -> nowhere
/w/p2_21/dir dir
/w/p2_21/dir/inner dir
/w/p2_21/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_21/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_21/linked symlink -> dir/../../..
/w/p2_21/loop1 symlink -> loop2
/w/p2_21/loop2 symlink -> loop1
/w/p2_21/self symlink -> self
/w/p2_21/todir symlink -> dir
/w/p2_21/tofile symlink -> file.txt
/w/p2_21/tofile_slash symlink -> file.txt/
/w/p2_21/up symlink -> ../../outside
/w/p2_21/updir symlink -> ..
/w/p2_21/upmore symlink -> dir/../../..
/w/p2_22 dir
/w/p2_22/dangling symlink -> nowhere
/w/p2_22/dir dir
/w/p2_22/dir/inner dir
/w/p2_22/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_22/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_22/linked symlink -> file.txt
/w/p2_22/loop1 symlink -> loop2
/w/p2_22/loop2 symlink -> loop1
/w/p2_22/self symlink -> self
/w/p2_22/todir symlink -> dir
/w/p2_22/tofile symlink -> file.txt
/w/p2_22/tofile_slash symlink -> file.txt/
/w/p2_22/up symlink -> ../../outside
/w/p2_22/updir symlink -> ..
/w/p2_22/upmore symlink -> dir/../../..
/w/p2_23 dir
/w/p2_23/dangling symlink -> nowhere
/w/p2_23/dir dir
/w/p2_23/dir/inner dir
/w/p2_23/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_23/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_23/loop1 symlink -> loop2
/w/p2_23/loop2 symlink -> loop1
/w/p2_23/self symlink -> self
/w/p2_23/todir symlink -> dir
/w/p2_23/tofile symlink -> file.txt
/w/p2_23/tofile_slash symlink -> file.txt/
/w/p2_23/up symlink -> ../../outside
/w/p2_23/updir symlink -> ..
/w/p2_23/upmore symlink -> dir/../../..
/w/p2_24 dir
/w/p2_24/dangling symlink -> nowhere
/w/p2_24/dir dir
/w/p2_24/dir/inner dir
/w/p2_24/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_24/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_24/linked symlink -> file.txt/
/w/p2_24/loop1 symlink -> loop2
/w/p2_24/loop2 symlink -> loop1
/w/p2_24/self symlink -> self
/w/p2_24/todir symlink -> dir
/w/p2_24/tofile symlink -> file.txt
/w/p2_24/tofile_slash symlink -> file.txt/
/w/p2_24/up symlink -> ../../outside
/w/p2_24/updir symlink -> ..
/w/p2_24/upmore symlink -> dir/../../..
/w/p2_25 dir
/w/p2_25/dangling symlink -> nowhere
/w/p2_25/dir dir
/w/p2_25/dir/inner dir
/w/p2_25/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_25/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_25/linked symlink -> dir
/w/p2_25/loop1 symlink -> loop2
/w/p2_25/loop2 symlink -> loop1
/w/p2_25/self symlink -> self
/w/p2_25/todir symlink -> dir
/w/p2_25/tofile symlink -> file.txt
/w/p2_25/tofile_slash symlink -> file.txt/
/w/p2_25/up symlink -> ../../outside
/w/p2_25/updir symlink -> ..
/w/p2_25/upmore symlink -> dir/../../..
/w/p2_26 dir
/w/p2_26/dangling symlink -> nowhere
/w/p2_26/dir dir
/w/p2_26/dir/inner dir
/w/p2_26/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_26/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_26/loop1 symlink -> loop2
/w/p2_26/loop2 symlink -> loop1
/w/p2_26/self symlink -> self
/w/p2_26/todir symlink -> dir
/w/p2_26/tofile symlink -> file.txt
/w/p2_26/tofile_slash symlink -> file.txt/
/w/p2_26/up symlink -> ../../outside
/w/p2_26/updir symlink -> ..
/w/p2_26/upmore symlink -> dir/../../..
/w/p2_27 dir
/w/p2_27/dangling symlink -> nowhere
/w/p2_27/dir dir
/w/p2_27/dir/inner dir
/w/p2_27/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_27/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_27/loop1 symlink -> loop2
/w/p2_27/loop2 symlink -> loop1
/w/p2_27/self symlink -> self
/w/p2_27/todir symlink -> dir
/w/p2_27/tofile symlink -> file.txt
/w/p2_27/tofile_slash symlink -> file.txt/
/w/p2_27/up symlink -> ../../outside
/w/p2_27/updir symlink -> ..
/w/p2_27/upmore symlink -> dir/../../..
/w/p2_28 dir
/w/p2_28/dangling symlink -> nowhere
/w/p2_28/dir dir
/w/p2_28/dir/inner dir
/w/p2_28/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_28/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_28/loop1 symlink -> loop2
/w/p2_28/loop2 symlink -> loop1
/w/p2_28/self symlink -> self
/w/p2_28/todir symlink -> dir
/w/p2_28/tofile symlink -> file.txt
/w/p2_28/tofile_slash symlink -> file.txt/
/w/p2_28/up symlink -> ../../outside
/w/p2_28/updir symlink -> ..
/w/p2_28/upmore symlink -> dir/../../..
/w/p2_29 dir
/w/p2_29/dangling symlink -> nowhere
/w/p2_29/dir dir
/w/p2_29/dir/inner dir
/w/p2_29/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_29/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_29/loop1 symlink -> loop2
/w/p2_29/loop2 symlink -> loop1
/w/p2_29/self symlink -> self
/w/p2_29/todir symlink -> dir
/w/p2_29/tofile symlink -> file.txt
/w/p2_29/tofile_slash symlink -> file.txt/
/w/p2_29/up symlink -> ../../outside
/w/p2_29/updir symlink -> ..
/w/p2_29/upmore symlink -> dir/../../..
/w/p2_30 dir
/w/p2_30/dangling symlink -> nowhere
/w/p2_30/dir dir
/w/p2_30/dir/inner dir
/w/p2_30/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_30/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_30/loop1 symlink -> loop2
/w/p2_30/loop2 symlink -> loop1
/w/p2_30/self symlink -> self
/w/p2_30/todir symlink -> dir
/w/p2_30/tofile symlink -> file.txt
/w/p2_30/tofile_slash symlink -> file.txt/
/w/p2_30/up symlink -> ../../outside
/w/p2_30/updir symlink -> ..
/w/p2_30/upmore symlink -> dir/../../..
/w/p2_31 dir
/w/p2_31/dangling symlink -> nowhere
/w/p2_31/dir dir
/w/p2_31/dir/inner dir
/w/p2_31/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_31/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_31/linked file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_31/loop1 symlink -> loop2
/w/p2_31/loop2 symlink -> loop1
/w/p2_31/self symlink -> self
/w/p2_31/todir symlink -> dir
/w/p2_31/tofile symlink -> file.txt
/w/p2_31/tofile_slash symlink -> file.txt/
/w/p2_31/up symlink -> ../../outside
/w/p2_31/updir symlink -> ..
/w/p2_31/upmore symlink -> dir/../../..
/w/p2_32 dir
/w/p2_32/dangling symlink -> nowhere
/w/p2_32/dir dir
/w/p2_32/dir/inner dir
/w/p2_32/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_32/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_32/loop1 symlink -> loop2
/w/p2_32/loop2 symlink -> loop1
/w/p2_32/self symlink -> self
/w/p2_32/todir symlink -> dir
/w/p2_32/tofile symlink -> file.txt
/w/p2_32/tofile_slash symlink -> file.txt/
/w/p2_32/up symlink -> ../../outside
/w/p2_32/updir symlink -> ..
/w/p2_32/upmore symlink -> dir/../../..
/w/p2_33 dir
/w/p2_33/dangling symlink -> nowhere
/w/p2_33/dir dir
/w/p2_33/dir/inner dir
/w/p2_33/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_33/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_33/loop1 symlink -> loop2
/w/p2_33/loop2 symlink -> loop1
/w/p2_33/self symlink -> self
/w/p2_33/todir symlink -> dir
/w/p2_33/tofile symlink -> file.txt
/w/p2_33/tofile_slash symlink -> file.txt/
/w/p2_33/up symlink -> ../../outside
/w/p2_33/updir symlink -> ..
/w/p2_33/upmore symlink -> dir/../../..
/w/p2_34 dir
/w/p2_34/dangling symlink -> nowhere
/w/p2_34/dir dir
/w/p2_34/dir/inner dir
/w/p2_34/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_34/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_34/linked file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_34/loop1 symlink -> loop2
/w/p2_34/loop2 symlink -> loop1
/w/p2_34/self symlink -> self
/w/p2_34/todir symlink -> dir
/w/p2_34/tofile symlink -> file.txt
/w/p2_34/tofile_slash symlink -> file.txt/
/w/p2_34/up symlink -> ../../outside
/w/p2_34/updir symlink -> ..
/w/p2_34/upmore symlink -> dir/../../..
/w/p2_35 dir
/w/p2_35/dangling symlink -> nowhere
/w/p2_35/dir dir
/w/p2_35/dir/inner dir
/w/p2_35/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_35/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_35/linked file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_35/loop1 symlink -> loop2
/w/p2_35/loop2 symlink -> loop1
/w/p2_35/self symlink -> self
/w/p2_35/todir symlink -> dir
/w/p2_35/tofile symlink -> file.txt
/w/p2_35/tofile_slash symlink -> file.txt/
/w/p2_35/up symlink -> ../../outside
/w/p2_35/updir symlink -> ..
/w/p2_35/upmore symlink -> dir/../../..
/w/p2_36 dir
/w/p2_36/dangling symlink -> nowhere
/w/p2_36/dir dir
/w/p2_36/dir/inner dir
/w/p2_36/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_36/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_36/loop1 symlink -> loop2
/w/p2_36/loop2 symlink -> loop1
/w/p2_36/self symlink -> self
/w/p2_36/todir symlink -> dir
/w/p2_36/tofile symlink -> file.txt
/w/p2_36/tofile_slash symlink -> file.txt/
/w/p2_36/up symlink -> ../../outside
/w/p2_36/updir symlink -> ..
/w/p2_36/upmore symlink -> dir/../../..
/w/p2_37 dir
/w/p2_37/dangling symlink -> nowhere
/w/p2_37/dir dir
/w/p2_37/dir/inner dir
/w/p2_37/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_37/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_37/loop1 symlink -> loop2
/w/p2_37/loop2 symlink -> loop1
/w/p2_37/self symlink -> self
/w/p2_37/todir symlink -> dir
/w/p2_37/tofile symlink -> file.txt
/w/p2_37/tofile_slash symlink -> file.txt/
/w/p2_37/up symlink -> ../../outside
/w/p2_37/updir symlink -> ..
/w/p2_37/upmore symlink -> dir/../../..
/w/p2_38 dir
/w/p2_38/dangling symlink -> nowhere
/w/p2_38/dir dir
/w/p2_38/dir/inner dir
/w/p2_38/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p2_38/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p2_38/loop1 symlink -> loop2
/w/p2_38/loop2 symlink -> loop1
/w/p2_38/self symlink -> self
/w/p2_38/todir symlink -> dir
/w/p2_38/tofile symlink -> file.txt
/w/p2_38/tofile_slash symlink -> file.txt/
/w/p2_38/up symlink -> ../../outside
/w/p2_38/updir symlink -> ..
/w/p2_38/upmore symlink -> dir/../../..
/w/p3_00 dir
/w/p3_00/dangling symlink -> nowhere
/w/p3_00/dir dir
/w/p3_00/dir/inner dir
/w/p3_00/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_00/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_00/loop1 symlink -> loop2
/w/p3_00/loop2 symlink -> loop1
/w/p3_00/self symlink -> self
/w/p3_00/todir symlink -> dir
/w/p3_00/tofile symlink -> file.txt
/w/p3_00/tofile_slash symlink -> file.txt/
/w/p3_00/up symlink -> ../../outside
/w/p3_00/updir symlink -> ..
/w/p3_00/upmore symlink -> dir/../../..
/w/p3_01 dir
/w/p3_01/dangling symlink -> nowhere
/w/p3_01/dir dir
/w/p3_01/dir/inner dir
/w/p3_01/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_01/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_01/loop1 symlink -> loop2
/w/p3_01/loop2 symlink -> loop1
/w/p3_01/self symlink -> self
/w/p3_01/todir symlink -> dir
/w/p3_01/tofile symlink -> file.txt
/w/p3_01/tofile_slash symlink -> file.txt/
/w/p3_01/up symlink -> ../../outside
/w/p3_01/updir symlink -> ..
/w/p3_01/upmore symlink -> dir/../../..
/w/p3_02 dir
/w/p3_02/dangling symlink -> nowhere
/w/p3_02/dir dir
/w/p3_02/dir/inner dir
/w/p3_02/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_02/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_02/loop1 symlink -> loop2
/w/p3_02/loop2 symlink -> loop1
/w/p3_02/self symlink -> self
/w/p3_02/todir symlink -> dir
/w/p3_02/tofile symlink -> file.txt
/w/p3_02/tofile_slash symlink -> file.txt/
/w/p3_02/up symlink -> ../../outside
/w/p3_02/updir symlink -> ..
/w/p3_02/upmore symlink -> dir/../../..
/w/p3_03 dir
/w/p3_03/dangling symlink -> nowhere
/w/p3_03/dir dir
/w/p3_03/dir/inner dir
/w/p3_03/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_03/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_03/loop1 symlink -> loop2
/w/p3_03/loop2 symlink -> loop1
/w/p3_03/self symlink -> self
/w/p3_03/todir symlink -> dir
/w/p3_03/tofile symlink -> file.txt
/w/p3_03/tofile_slash symlink -> file.txt/
/w/p3_03/up symlink -> ../../outside
/w/p3_03/updir symlink -> ..
/w/p3_03/upmore symlink -> dir/../../..
/w/p3_04 dir
/w/p3_04/dangling symlink -> nowhere
/w/p3_04/dir dir
/w/p3_04/dir/inner dir
/w/p3_04/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_04/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_04/loop1 symlink -> loop2
/w/p3_04/loop2 symlink -> loop1
/w/p3_04/self symlink -> self
/w/p3_04/todir symlink -> dir
/w/p3_04/tofile symlink -> file.txt
/w/p3_04/tofile_slash symlink -> file.txt/
/w/p3_04/up symlink -> ../../outside
/w/p3_04/updir symlink -> ..
/w/p3_04/upmore symlink -> dir/../../..
/w/p3_05 dir
/w/p3_05/dangling symlink -> nowhere
/w/p3_05/dir dir
/w/p3_05/dir/inner dir
/w/p3_05/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_05/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_05/loop1 symlink -> loop2
/w/p3_05/loop2 symlink -> loop1
/w/p3_05/self symlink -> self
/w/p3_05/todir symlink -> dir
/w/p3_05/tofile symlink -> file.txt
/w/p3_05/tofile_slash symlink -> file.txt/
/w/p3_05/up symlink -> ../../outside
/w/p3_05/updir symlink -> ..
/w/p3_05/upmore symlink -> dir/../../..
/w/p3_06 dir
/w/p3_06/dangling symlink -> nowhere
/w/p3_06/dir dir
/w/p3_06/dir/inner dir
/w/p3_06/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_06/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_06/loop1 symlink -> loop2
/w/p3_06/loop2 symlink -> loop1
/w/p3_06/self symlink -> self
/w/p3_06/todir symlink -> dir
/w/p3_06/tofile symlink -> file.txt
/w/p3_06/tofile_slash symlink -> file.txt/
/w/p3_06/up symlink -> ../../outside
/w/p3_06/updir symlink -> ..
/w/p3_06/upmore symlink -> dir/../../..
/w/p3_07 dir
/w/p3_07/dangling symlink -> nowhere
/w/p3_07/dir dir
/w/p3_07/dir/inner dir
/w/p3_07/loop1 symlink -> loop2
/w/p3_07/loop2 symlink -> loop1
/w/p3_07/renamed file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_07/self symlink -> self
/w/p3_07/todir symlink -> dir
/w/p3_07/tofile symlink -> file.txt
/w/p3_07/tofile_slash symlink -> file.txt/
/w/p3_07/up symlink -> ../../outside
/w/p3_07/updir symlink -> ..
/w/p3_07/upmore symlink -> dir/../../..
/w/p3_08 dir
/w/p3_08/dangling symlink -> nowhere
/w/p3_08/dir dir
/w/p3_08/dir/inner dir
/w/p3_08/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_08/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_08/loop1 symlink -> loop2
/w/p3_08/loop2 symlink -> loop1
/w/p3_08/self symlink -> self
/w/p3_08/todir symlink -> dir
/w/p3_08/tofile symlink -> file.txt
/w/p3_08/tofile_slash symlink -> file.txt/
/w/p3_08/up symlink -> ../../outside
/w/p3_08/updir symlink -> ..
/w/p3_08/upmore symlink -> dir/../../..
/w/p3_09 dir
/w/p3_09/dangling symlink -> nowhere
/w/p3_09/dir dir
/w/p3_09/dir/inner dir
/w/p3_09/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_09/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_09/loop1 symlink -> loop2
/w/p3_09/loop2 symlink -> loop1
/w/p3_09/self symlink -> self
/w/p3_09/todir symlink -> dir
/w/p3_09/tofile symlink -> file.txt
/w/p3_09/tofile_slash symlink -> file.txt/
/w/p3_09/up symlink -> ../../outside
/w/p3_09/updir symlink -> ..
/w/p3_09/upmore symlink -> dir/../../..
/w/p3_10 dir
/w/p3_10/dangling symlink -> nowhere
/w/p3_10/dir dir
/w/p3_10/dir/inner dir
/w/p3_10/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_10/loop1 symlink -> loop2
/w/p3_10/loop2 symlink -> loop1
/w/p3_10/self symlink -> self
/w/p3_10/todir symlink -> dir
/w/p3_10/tofile symlink -> file.txt
/w/p3_10/tofile_slash symlink -> file.txt/
/w/p3_10/up symlink -> ../../outside
/w/p3_10/updir symlink -> ..
/w/p3_10/upmore symlink -> dir/../../..
/w/p3_11 dir
/w/p3_11/dangling symlink -> nowhere
/w/p3_11/dir dir
/w/p3_11/dir/inner dir
/w/p3_11/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_11/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_11/loop1 symlink -> loop2
/w/p3_11/loop2 symlink -> loop1
/w/p3_11/self symlink -> self
/w/p3_11/todir symlink -> dir
/w/p3_11/tofile symlink -> file.txt
/w/p3_11/tofile_slash symlink -> file.txt/
/w/p3_11/up symlink -> ../../outside
/w/p3_11/updir symlink -> ..
/w/p3_11/upmore symlink -> dir/../../..
/w/p3_12 dir
/w/p3_12/dangling symlink -> nowhere
/w/p3_12/dir dir
/w/p3_12/dir/inner dir
/w/p3_12/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_12/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_12/loop1 symlink -> loop2
/w/p3_12/loop2 symlink -> loop1
/w/p3_12/self symlink -> self
/w/p3_12/todir symlink -> dir
/w/p3_12/tofile symlink -> file.txt
/w/p3_12/tofile_slash symlink -> file.txt/
/w/p3_12/up symlink -> ../../outside
/w/p3_12/updir symlink -> ..
/w/p3_12/upmore symlink -> dir/../../..
/w/p3_13 dir
/w/p3_13/dir dir
/w/p3_13/dir/inner dir
/w/p3_13/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_13/loop1 symlink -> loop2
/w/p3_13/loop2 symlink -> loop1
/w/p3_13/renamed symlink -> nowhere
/w/p3_13/self symlink -> self
/w/p3_13/todir symlink -> dir
/w/p3_13/tofile symlink -> file.txt
/w/p3_13/tofile_slash symlink -> file.txt/
/w/p3_13/up symlink -> ../../outside
/w/p3_13/updir symlink -> ..
/w/p3_13/upmore symlink -> dir/../../..
/w/p3_14 dir
/w/p3_14/dangling symlink -> nowhere
/w/p3_14/dir dir
/w/p3_14/dir/inner dir
/w/p3_14/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_14/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_14/loop1 symlink -> loop2
/w/p3_14/loop2 symlink -> loop1
/w/p3_14/self symlink -> self
/w/p3_14/todir symlink -> dir
/w/p3_14/tofile symlink -> file.txt
/w/p3_14/tofile_slash symlink -> file.txt/
/w/p3_14/up symlink -> ../../outside
/w/p3_14/updir symlink -> ..
/w/p3_14/upmore symlink -> dir/../../..
/w/p3_15 dir
/w/p3_15/dangling symlink -> nowhere
/w/p3_15/dir dir
/w/p3_15/dir/inner dir
/w/p3_15/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_15/loop2 symlink -> loop1
/w/p3_15/renamed symlink -> loop2
/w/p3_15/self symlink -> self
/w/p3_15/todir symlink -> dir
/w/p3_15/tofile symlink -> file.txt
/w/p3_15/tofile_slash symlink -> file.txt/
/w/p3_15/up symlink -> ../../outside
/w/p3_15/updir symlink -> ..
/w/p3_15/upmore symlink -> dir/../../..
/w/p3_16 dir
/w/p3_16/dangling symlink -> nowhere
/w/p3_16/dir dir
/w/p3_16/dir/inner dir
/w/p3_16/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_16/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_16/loop1 symlink -> loop2
/w/p3_16/loop2 symlink -> loop1
/w/p3_16/self symlink -> self
/w/p3_16/todir symlink -> dir
/w/p3_16/tofile symlink -> file.txt
/w/p3_16/tofile_slash symlink -> file.txt/
/w/p3_16/up symlink -> ../../outside
/w/p3_16/updir symlink -> ..
/w/p3_16/upmore symlink -> dir/../../..
/w/p3_17 dir
/w/p3_17/dangling symlink -> nowhere
/w/p3_17/dir dir
/w/p3_17/dir/inner dir
/w/p3_17/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_17/loop1 symlink -> loop2
/w/p3_17/loop2 symlink -> loop1
/w/p3_17/renamed symlink -> self
/w/p3_17/todir symlink -> dir
/w/p3_17/tofile symlink -> file.txt
/w/p3_17/tofile_slash symlink -> file.txt/
/w/p3_17/up symlink -> ../../outside
/w/p3_17/updir symlink -> ..
/w/p3_17/upmore symlink -> dir/../../..
/w/p3_18 dir
/w/p3_18/dangling symlink -> nowhere
/w/p3_18/dir dir
/w/p3_18/dir/inner dir
/w/p3_18/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_18/loop1 symlink -> loop2
/w/p3_18/loop2 symlink -> loop1
/w/p3_18/self symlink -> self
/w/p3_18/todir symlink -> dir
/w/p3_18/tofile symlink -> file.txt
/w/p3_18/tofile_slash symlink -> file.txt/
/w/p3_18/up symlink -> ../../outside
/w/p3_18/updir symlink -> ..
/w/p3_18/upmore symlink -> dir/../../..
/w/p3_19 dir
/w/p3_19/dangling symlink -> nowhere
/w/p3_19/dir dir
/w/p3_19/dir/inner dir
/w/p3_19/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_19/loop1 symlink -> loop2
/w/p3_19/loop2 symlink -> loop1
/w/p3_19/renamed symlink -> ../../outside
/w/p3_19/self symlink -> self
/w/p3_19/todir symlink -> dir
/w/p3_19/tofile symlink -> file.txt
/w/p3_19/tofile_slash symlink -> file.txt/
/w/p3_19/updir symlink -> ..
/w/p3_19/upmore symlink -> dir/../../..
/w/p3_20 dir
/w/p3_20/dangling symlink -> nowhere
/w/p3_20/dir dir
/w/p3_20/dir/inner dir
/w/p3_20/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_20/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_20/loop1 symlink -> loop2
/w/p3_20/loop2 symlink -> loop1
/w/p3_20/self symlink -> self
/w/p3_20/todir symlink -> dir
/w/p3_20/tofile symlink -> file.txt
/w/p3_20/tofile_slash symlink -> file.txt/
/w/p3_20/up symlink -> ../../outside
/w/p3_20/updir symlink -> ..
/w/p3_20/upmore symlink -> dir/../../..
/w/p3_21 dir
/w/p3_21/dangling symlink -> nowhere
/w/p3_21/dir dir
/w/p3_21/dir/inner dir
/w/p3_21/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_21/loop1 symlink -> loop2
/w/p3_21/loop2 symlink -> loop1
/w/p3_21/renamed symlink -> dir/../../..
/w/p3_21/self symlink -> self
/w/p3_21/todir symlink -> dir
/w/p3_21/tofile symlink -> file.txt
/w/p3_21/tofile_slash symlink -> file.txt/
/w/p3_21/up symlink -> ../../outside
/w/p3_21/updir symlink -> ..
/w/p3_22 dir
/w/p3_22/dangling symlink -> nowhere
/w/p3_22/dir dir
/w/p3_22/dir/inner dir
/w/p3_22/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_22/loop1 symlink -> loop2
/w/p3_22/loop2 symlink -> loop1
/w/p3_22/renamed symlink -> file.txt
/w/p3_22/self symlink -> self
/w/p3_22/todir symlink -> dir
/w/p3_22/tofile_slash symlink -> file.txt/
/w/p3_22/up symlink -> ../../outside
/w/p3_22/updir symlink -> ..
/w/p3_22/upmore symlink -> dir/../../..
/w/p3_23 dir
/w/p3_23/dangling symlink -> nowhere
/w/p3_23/dir dir
/w/p3_23/dir/inner dir
/w/p3_23/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_23/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_23/loop1 symlink -> loop2
/w/p3_23/loop2 symlink -> loop1
/w/p3_23/self symlink -> self
/w/p3_23/todir symlink -> dir
/w/p3_23/tofile symlink -> file.txt
/w/p3_23/tofile_slash symlink -> file.txt/
/w/p3_23/up symlink -> ../../outside
/w/p3_23/updir symlink -> ..
/w/p3_23/upmore symlink -> dir/../../..
/w/p3_24 dir
/w/p3_24/dangling symlink -> nowhere
/w/p3_24/dir dir
/w/p3_24/dir/inner dir
/w/p3_24/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_24/loop1 symlink -> loop2
/w/p3_24/loop2 symlink -> loop1
/w/p3_24/renamed symlink -> file.txt/
/w/p3_24/self symlink -> self
/w/p3_24/todir symlink -> dir
/w/p3_24/tofile symlink -> file.txt
/w/p3_24/up symlink -> ../../outside
/w/p3_24/updir symlink -> ..
/w/p3_24/upmore symlink -> dir/../../..
/w/p3_25 dir
/w/p3_25/dangling symlink -> nowhere
/w/p3_25/dir dir
/w/p3_25/dir/inner dir
/w/p3_25/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_25/loop1 symlink -> loop2
/w/p3_25/loop2 symlink -> loop1
/w/p3_25/renamed symlink -> dir
/w/p3_25/self symlink -> self
/w/p3_25/tofile symlink -> file.txt
/w/p3_25/tofile_slash symlink -> file.txt/
/w/p3_25/up symlink -> ../../outside
/w/p3_25/updir symlink -> ..
/w/p3_25/upmore symlink -> dir/../../..
/w/p3_26 dir
/w/p3_26/dangling symlink -> nowhere
/w/p3_26/dir dir
/w/p3_26/dir/inner dir
/w/p3_26/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_26/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_26/loop1 symlink -> loop2
/w/p3_26/loop2 symlink -> loop1
/w/p3_26/self symlink -> self
/w/p3_26/todir symlink -> dir
/w/p3_26/tofile symlink -> file.txt
/w/p3_26/tofile_slash symlink -> file.txt/
/w/p3_26/up symlink -> ../../outside
/w/p3_26/updir symlink -> ..
/w/p3_26/upmore symlink -> dir/../../..
/w/p3_27 dir
/w/p3_27/dangling symlink -> nowhere
/w/p3_27/dir dir
/w/p3_27/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_27/loop1 symlink -> loop2
/w/p3_27/loop2 symlink -> loop1
/w/p3_27/renamed dir
/w/p3_27/renamed/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_27/self symlink -> self
/w/p3_27/todir symlink -> dir
/w/p3_27/tofile symlink -> file.txt
/w/p3_27/tofile_slash symlink -> file.txt/
/w/p3_27/up symlink -> ../../outside
/w/p3_27/updir symlink -> ..
/w/p3_27/upmore symlink -> dir/../../..
/w/p3_28 dir
/w/p3_28/dangling symlink -> nowhere
/w/p3_28/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_28/loop1 symlink -> loop2
/w/p3_28/loop2 symlink -> loop1
/w/p3_28/renamed dir
/w/p3_28/renamed/inner dir
/w/p3_28/renamed/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_28/self symlink -> self
/w/p3_28/todir symlink -> dir
/w/p3_28/tofile symlink -> file.txt
/w/p3_28/tofile_slash symlink -> file.txt/
/w/p3_28/up symlink -> ../../outside
/w/p3_28/updir symlink -> ..
/w/p3_28/upmore symlink -> dir/../../..
/w/p3_29 dir
/w/p3_29/dangling symlink -> nowhere
/w/p3_29/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_29/loop1 symlink -> loop2
/w/p3_29/loop2 symlink -> loop1
/w/p3_29/renamed dir
/w/p3_29/renamed/inner dir
/w/p3_29/renamed/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_29/self symlink -> self
/w/p3_29/todir symlink -> dir
/w/p3_29/tofile symlink -> file.txt
/w/p3_29/tofile_slash symlink -> file.txt/
/w/p3_29/up symlink -> ../../outside
/w/p3_29/updir symlink -> ..
/w/p3_29/upmore symlink -> dir/../../..
/w/p3_30 dir
/w/p3_30/dangling symlink -> nowhere
/w/p3_30/dir dir
/w/p3_30/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_30/loop1 symlink -> loop2
/w/p3_30/loop2 symlink -> loop1
/w/p3_30/renamed dir
/w/p3_30/renamed/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_30/self symlink -> self
/w/p3_30/todir symlink -> dir
/w/p3_30/tofile symlink -> file.txt
/w/p3_30/tofile_slash symlink -> file.txt/
/w/p3_30/up symlink -> ../../outside
/w/p3_30/updir symlink -> ..
/w/p3_30/upmore symlink -> dir/../../..
/w/p3_31 dir
/w/p3_31/dangling symlink -> nowhere
/w/p3_31/dir dir
/w/p3_31/dir/inner dir
/w/p3_31/loop1 symlink -> loop2
/w/p3_31/loop2 symlink -> loop1
/w/p3_31/renamed file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_31/self symlink -> self
/w/p3_31/todir symlink -> dir
/w/p3_31/tofile symlink -> file.txt
/w/p3_31/tofile_slash symlink -> file.txt/
/w/p3_31/up symlink -> ../../outside
/w/p3_31/updir symlink -> ..
/w/p3_31/upmore symlink -> dir/../../..
/w/p3_32 dir
/w/p3_32/dangling symlink -> nowhere
/w/p3_32/dir dir
/w/p3_32/dir/inner dir
/w/p3_32/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_32/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_32/loop1 symlink -> loop2
/w/p3_32/loop2 symlink -> loop1
/w/p3_32/self symlink -> self
/w/p3_32/todir symlink -> dir
/w/p3_32/tofile symlink -> file.txt
/w/p3_32/tofile_slash symlink -> file.txt/
/w/p3_32/up symlink -> ../../outside
/w/p3_32/updir symlink -> ..
/w/p3_32/upmore symlink -> dir/../../..
/w/p3_33 dir
/w/p3_33/dangling symlink -> nowhere
/w/p3_33/dir dir
/w/p3_33/dir/inner dir
/w/p3_33/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_33/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_33/loop1 symlink -> loop2
/w/p3_33/loop2 symlink -> loop1
/w/p3_33/self symlink -> self
/w/p3_33/todir symlink -> dir
/w/p3_33/tofile symlink -> file.txt
/w/p3_33/tofile_slash symlink -> file.txt/
/w/p3_33/up symlink -> ../../outside
/w/p3_33/updir symlink -> ..
/w/p3_33/upmore symlink -> dir/../../..
/w/p3_34 dir
/w/p3_34/dangling symlink -> nowhere
/w/p3_34/dir dir
/w/p3_34/dir/inner dir
/w/p3_34/loop1 symlink -> loop2
/w/p3_34/loop2 symlink -> loop1
/w/p3_34/renamed file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_34/self symlink -> self
/w/p3_34/todir symlink -> dir
/w/p3_34/tofile symlink -> file.txt
/w/p3_34/tofile_slash symlink -> file.txt/
/w/p3_34/up symlink -> ../../outside
/w/p3_34/updir symlink -> ..
/w/p3_34/upmore symlink -> dir/../../..
/w/p3_35 dir
/w/p3_35/dangling symlink -> nowhere
/w/p3_35/dir dir
/w/p3_35/dir/inner dir
/w/p3_35/loop1 symlink -> loop2
/w/p3_35/loop2 symlink -> loop1
/w/p3_35/renamed file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_35/self symlink -> self
/w/p3_35/todir symlink -> dir
/w/p3_35/tofile symlink -> file.txt
/w/p3_35/tofile_slash symlink -> file.txt/
/w/p3_35/up symlink -> ../../outside
/w/p3_35/updir symlink -> ..
/w/p3_35/upmore symlink -> dir/../../..
/w/p3_36 dir
/w/p3_36/dangling symlink -> nowhere
/w/p3_36/dir dir
/w/p3_36/dir/inner dir
/w/p3_36/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_36/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_36/loop1 symlink -> loop2
/w/p3_36/loop2 symlink -> loop1
/w/p3_36/self symlink -> self
/w/p3_36/todir symlink -> dir
/w/p3_36/tofile symlink -> file.txt
/w/p3_36/tofile_slash symlink -> file.txt/
/w/p3_36/up symlink -> ../../outside
/w/p3_36/updir symlink -> ..
/w/p3_36/upmore symlink -> dir/../../..
/w/p3_37 dir
/w/p3_37/dangling symlink -> nowhere
/w/p3_37/dir dir
/w/p3_37/dir/inner dir
/w/p3_37/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_37/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_37/loop1 symlink -> loop2
/w/p3_37/loop2 symlink -> loop1
/w/p3_37/self symlink -> self
/w/p3_37/todir symlink -> dir
/w/p3_37/tofile symlink -> file.txt
/w/p3_37/tofile_slash symlink -> file.txt/
/w/p3_37/up symlink -> ../../outside
/w/p3_37/updir symlink -> ..
/w/p3_37/upmore symlink -> dir/../../..
/w/p3_38 dir
/w/p3_38/dangling symlink -> nowhere
/w/p3_38/dir dir
/w/p3_38/dir/inner dir
/w/p3_38/dir/inner/leaf file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/w/p3_38/file.txt file 6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03
/w/p3_38/loop1 symlink -> loop2
/w/p3_38/loop2 symlink -> loop1
/w/p3_38/self symlink -> self
/w/p3_38/todir symlink -> dir
/w/p3_38/tofile symlink -> file.txt
/w/p3_38/tofile_slash symlink -> file.txt/
/w/p3_38/up symlink -> ../../outside
/w/p3_38/updir symlink -> ..
/w/p3_38/upmore symlink -> dir/../../..
