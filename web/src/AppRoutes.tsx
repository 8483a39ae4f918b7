// The pages: sign-in and registration for visitors; rooms behind sign-in.
import { Navigate, Route, Routes } from 'react-router';
import { AuthPage } from './auth/AuthPage';
import { RequireAuth } from './auth/RequireAuth';
import { ChatRoomPage } from './chat/ChatRoomPage';
import { NoRoomSelected } from './layout/NoRoomSelected';

export type AppRoutesProps = Record<string, never>;

export function AppRoutes(_props: AppRoutesProps) {
  return (
    <Routes>
      <Route path="/login" element={<AuthPage mode="login" />} />
      <Route path="/register" element={<AuthPage mode="register" />} />
      <Route element={<RequireAuth />}>
        <Route index element={<NoRoomSelected />} />
        <Route path="rooms/:roomId" element={<ChatRoomPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
